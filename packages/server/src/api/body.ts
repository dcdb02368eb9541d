import type { z } from 'zod';
import { badRequest, invalidInput } from '../errors.js';

/** Parses a request body or query with a schema, raising 400 that names the invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = 'request'): T {
  if (what === 'query') rejectRepeatedParameters(input);
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw invalidInput('invalid_input', `Invalid ${what}`, result.error);
  return result.data;
}

/** Rejects a repeated query parameter, which arrives as an array: the API reads each once. */
function rejectRepeatedParameters(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  for (const [name, value] of Object.entries(query)) {
    if (!Array.isArray(value)) continue;
    throw badRequest(
      'invalid_input',
      `Invalid query: ${name}: given ${value.length} times; send it once`,
      { field: name, limit: 1 },
    );
  }
}
