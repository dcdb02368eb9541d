import { describeIssues } from '@reprise/protocol';
import type { z } from 'zod';
import { badRequest } from '../errors.js';

/** Parses a request body or query with a schema, raising 400 that names the invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = 'request'): T {
  if (what === 'query') rejectRepeatedParameters(input);
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    throw badRequest('invalid_input', `Invalid ${what}: ${describeIssues(result.error)}`, {
      field,
      limit: issue ? limitOf(issue) : undefined,
    });
  }
  return result.data;
}

/**
 * Returns the limit an issue reports: the maximum of a too-big value, or `params.limit` of a
 * custom check.
 */
function limitOf(issue: z.core.$ZodIssue): number | undefined {
  if (issue.code === 'too_big') return Number(issue.maximum);
  if (issue.code === 'custom' && typeof issue.params?.limit === 'number') return issue.params.limit;
  return undefined;
}

/** Rejects a repeated query parameter, which arrives as an array: the API reads each once. */
function rejectRepeatedParameters(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  for (const [name, value] of Object.entries(query)) {
    if (!Array.isArray(value)) continue;
    throw badRequest(
      'invalid_input',
      `Invalid query: ${name}: given ${value.length} times; send it once`,
      { field: name },
    );
  }
}
