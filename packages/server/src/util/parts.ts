/**
 * Splits a list into parts of at most `size` items, so that `in (...)` lists stay well under
 * the bound-parameter limits of SQLite and PostgreSQL.
 */
export function splitIntoParts<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    parts.push(items.slice(start, start + size));
  }
  return parts;
}
