import { z } from 'zod';

/** Maximum length of an identity (`distinct_id`, `$device_id`, `$user_id`), in characters. */
export const maxIdentityLength = 255;
/** Maximum length of a URL parameter, in characters. */
export const maxUrlLength = 8192;
/** Maximum `seq` of a chunk. */
export const maxSeq = 1_000_000_000;

/**
 * Query values arrive as strings, and a repeated parameter as an array. A repeated parameter
 * is rejected rather than resolved: `replay_id=a&replay_id=b` could otherwise write into a
 * replay the sender did not mean.
 */
function single<T extends z.ZodType>(inner: T) {
  return z.preprocess((value, context) => {
    if (!Array.isArray(value)) return value;
    context.addIssue({
      code: 'custom',
      message: `given ${value.length} times; send it once`,
      params: { limit: 1 },
    });
    return z.NEVER;
  }, inner);
}

function text(maxLength: number) {
  return single(z.string().max(maxLength, `must be at most ${maxLength} characters`));
}

/** Plain decimal numbers only: `Number()` alone would also read `0x10` and `Infinity`. */
const decimalPattern = /^-?\d+(\.\d+)?$/;

/** Reads a query value as a number and checks it with `schema`, whose bounds give the limits. */
function numberText(schema: z.ZodNumber) {
  return single(
    z.preprocess((value) => {
      if (typeof value === 'number') return value;
      if (typeof value !== 'string' || value.trim() === '') return value;
      return decimalPattern.test(value.trim()) ? Number(value) : Number.NaN;
    }, schema),
  );
}

/** Returns a schema for a number of at least 0, with `message` for every problem. */
function nonNegative(message: string) {
  return numberText(z.number({ message }).min(0, message));
}

const seqMessage = `must be an integer from 0 to ${maxSeq}`;

/** Control characters (Unicode Cc) and UTF-16 surrogates that are not part of a pair. */
const invalidIdCharacter = /[\p{Cc}\uD800-\uDFFF]/u;

/**
 * Returns why an id cannot be stored, naming its first control character or unpaired surrogate,
 * or null. Such an id could not be typed into a search, and an unpaired surrogate has no UTF-8
 * form, so it would be stored as bytes that read back as a different id.
 */
export function invalidIdProblem(id: string): string | null {
  const match = invalidIdCharacter.exec(id);
  if (!match) return null;
  const codeUnit = match[0].charCodeAt(0);
  const name = `U+${codeUnit.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind =
    codeUnit >= 0xd800 && codeUnit <= 0xdfff ? 'an unpaired surrogate' : 'a control character';
  return `must not contain control characters or unpaired surrogates; found ${kind} (${name}) at character ${match.index + 1}`;
}

/** Adds the `invalidIdProblem` check to a text schema. */
export function checkIdCharacters<T extends z.ZodType<string>>(schema: T) {
  return schema.superRefine((id, context) => {
    const problem = invalidIdProblem(id);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

const identity = single(
  checkIdCharacters(
    z.string().max(maxIdentityLength, `must be at most ${maxIdentityLength} characters`),
  ),
).optional();

/** Replay ids are UUIDs in both SDKs; any id of letters, digits, `-` and `_` is accepted. */
export const replayIdSchema = single(
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_", such as a UUID'),
);

/**
 * Query of `POST /record/`, as `mixpanel-browser` 2.83.0 and Reprise's SDK send it. Times
 * ending in `_time` are Unix seconds (float); `replay_length_ms` is milliseconds.
 */
export const recordQuerySchema = z.looseObject({
  replay_id: replayIdSchema,
  seq: numberText(
    // The range comes before `int`, whose own bound is Number.MAX_SAFE_INTEGER, so a huge value
    // reports the limit of seq.
    z
      .number({ error: (issue) => (issue.input === undefined ? 'is required' : seqMessage) })
      .min(0, seqMessage)
      .max(maxSeq, seqMessage)
      .int(seqMessage),
  ),
  format: single(z.enum(['gzip', 'body']).optional()),
  distinct_id: identity,
  $device_id: identity,
  $user_id: identity,
  batch_start_time: nonNegative('must be Unix seconds').optional(),
  replay_start_time: nonNegative('must be Unix seconds').optional(),
  replay_length_ms: nonNegative('must be milliseconds').optional(),
  replay_start_url: text(maxUrlLength).optional(),
  $current_url: text(maxUrlLength).optional(),
  mp_lib: text(64).optional(),
  $lib_version: text(64).optional(),
  /**
   * Reprise's SDK only: the project token, in place of the `Authorization` header, so that the
   * upload is a CORS simple request and needs no preflight.
   */
  token: text(255).optional(),
  /** Reprise's SDK only: the device clock when the batch was sent, Unix milliseconds. */
  sent_at: nonNegative('must be Unix milliseconds').optional(),
});

export type RecordQuery = z.infer<typeof recordQuerySchema>;
