import type { z } from 'zod';

/**
 * Formats the first problems of a failed parse as one sentence per problem, each naming the
 * field by its path after `pathPrefix`, for example `seq: must be an integer from 0 to
 * 1000000000`.
 */
export function describeIssues(error: z.ZodError, maxIssues = 3, pathPrefix = ''): string {
  // One value can break several rules that share a message, such as a range and `int`.
  const sentences = [
    ...new Set(
      error.issues.map((issue) => {
        const path = issue.path.length > 0 ? pathPrefix + issue.path.map(String).join('.') : 'body';
        return `${path}: ${issue.message}`;
      }),
    ),
  ];
  const parts = sentences.slice(0, maxIssues);
  const more = sentences.length - maxIssues;
  if (more > 0) parts.push(`and ${more} more problem${more === 1 ? '' : 's'}`);
  return parts.join('; ');
}

/**
 * Returns whether a parsed JSON value nests objects and arrays deeper than `maxDepth`. Walks
 * with an explicit stack, so a hostile value 100,000 levels deep cannot overflow the call stack
 * here, as it would in `JSON.stringify` later.
 */
export function isNestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
  bigint: 'an integer',
};

function sizeVerb(origin: unknown): string {
  return origin === 'array' || origin === 'set' ? 'must have' : 'must be';
}

function sizeUnit(origin: unknown, count: unknown): string {
  if (origin === 'string') return ` characters`;
  if (origin === 'array' || origin === 'set') return Number(count) === 1 ? ' item' : ' items';
  return '';
}

/**
 * Describes a value that matched no option of a union. When every option wanted another type,
 * as for an id that may be text or a number, the message lists those types.
 */
function describeUnionIssue(issue: z.core.$ZodRawIssue): string {
  if (issue.input === undefined) return 'is required';
  const options = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const expected = options.map((problems) => {
    const [problem] = problems;
    return problems.length === 1 && problem?.code === 'invalid_type'
      ? (typeNames[problem.expected] ?? problem.expected)
      : null;
  });
  if (expected.length === 0 || expected.includes(null)) return 'has a value of an unexpected form';
  return `must be ${[...new Set(expected)].join(' or ')}`;
}

/**
 * Plain-language message for a validation problem, naming the limit: "must be at most 100",
 * "is required", "must be one of: gzip, body". Schemas that give their own message keep it.
 */
export function friendlyIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `${sizeVerb(issue.origin)} at least ${issue.minimum}${sizeUnit(issue.origin, issue.minimum)}`;
    case 'too_big':
      return `${sizeVerb(issue.origin)} at most ${issue.maximum}${sizeUnit(issue.origin, issue.maximum)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email'
        ? 'must be an email address'
        : `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `has unknown fields: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return describeUnionIssue(issue);
    default:
      return undefined;
  }
}

/** Makes zod describe problems with `friendlyIssueMessage` in this process. */
export function useFriendlyIssueMessages(zod: { config(config: object): unknown }): void {
  zod.config({ customError: friendlyIssueMessage });
}
