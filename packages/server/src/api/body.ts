import { describeIssues } from '@reprise/protocol';
import type { z } from 'zod';
import { badRequest } from '../errors.js';

/** Parses a request body or query with a schema, raising 400 that names the invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = 'request'): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.') || undefined;
    throw badRequest('invalid_input', `Invalid ${what}: ${describeIssues(result.error)}`, {
      field,
    });
  }
  return result.data;
}
