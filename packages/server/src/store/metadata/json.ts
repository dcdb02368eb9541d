/** Reads a JSON column: SQLite returns the text, PostgreSQL's JSONB arrives parsed. */
export function readJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    const parsed: unknown = JSON.parse(value);
    return isPlainObject(parsed) ? parsed : {};
  }
  return isPlainObject(value) ? value : {};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Replaces each unpaired UTF-16 surrogate with U+FFFD. UTF-8 has no form for one: SQLite would
 * keep bytes that read back as three U+FFFD, and PostgreSQL's text would get one U+FFFD.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}

/**
 * `JSON.stringify` for a JSON column. It writes an unpaired surrogate as an escape such as
 * `\ud800`, which PostgreSQL's JSONB rejects, so each such escape becomes `\ufffd`. An escape
 * preceded by an odd number of backslashes is text, not an escape, and stays.
 */
export function stringifyJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Every event's properties pass here, and almost none has such an escape.
  if (!json.includes('\\ud')) return json;
  return json.replace(/(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g, '\\ufffd');
}
