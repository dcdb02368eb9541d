import { z } from 'zod';
import { badRequest, invalidInput } from '../errors.js';

/** Parses a request body or query with a schema, raising 400 that names the invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = 'request'): T {
  if (what === 'query') rejectRepeatedParameters(input);
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw invalidInput('invalid_input', `Invalid ${what}`, result.error);
  return result.data;
}

/** Maximum length of a free-text search (`q`), in characters. */
export const maxSearchLength = 320;

/** Description of the free-text search `q` in the OpenAPI document. */
export const searchDescription =
  'Trimmed of leading and trailing whitespace, and an empty value (absent, empty or only ' +
  'whitespace) means no search. A control character elsewhere (Unicode category Cc, such as ' +
  'U+0000) is rejected with 400 and field `q`.';

/**
 * Free-text search `q` of a list. Leading and trailing whitespace is trimmed, and a value that
 * is then empty (absent, empty, or only spaces, tabs and line breaks) means no search and
 * becomes undefined. A control character elsewhere (Unicode category Cc, such as U+0000) is
 * rejected, because ingestion rejects ids that contain one and stripping it would change the
 * search.
 */
export const searchTextSchema = z
  .string()
  .max(maxSearchLength, `must be at most ${maxSearchLength} characters`)
  .transform((text, context) => {
    const characters = [...text.trim()];
    const index = characters.findIndex((character) => /\p{Cc}/u.test(character));
    if (index >= 0) {
      const codePoint = characters[index]!.codePointAt(0)!;
      const name = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
      // The position counts from the start of the value as sent, before trimming.
      const position = [...text].length - [...text.trimStart()].length + index + 1;
      context.addIssue({
        code: 'custom',
        message: `must not contain control characters, found ${name} at character ${position}; remove it, or leave q out to list everything`,
      });
      return z.NEVER;
    }
    return characters.length === 0 ? undefined : characters.join('');
  })
  .optional();

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
