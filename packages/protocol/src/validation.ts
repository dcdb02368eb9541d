import type { z } from 'zod';

/**
 * Formats the first problems of a failed parse as one sentence per problem, each naming the
 * field by its path, for example `seq: must be an integer from 0 to 1000000000`.
 */
export function describeIssues(error: z.ZodError, maxIssues = 3): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - maxIssues;
  if (more > 0) parts.push(`and ${more} more problem${more === 1 ? '' : 's'}`);
  return parts.join('; ');
}
