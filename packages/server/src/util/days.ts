const dayMs = 24 * 60 * 60 * 1000;

/** Returns the UTC day (`yyyy-mm-dd`) of a Unix time in milliseconds. */
export function utcDay(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/** Returns the UTC day `days` after the day of `timeMs`. */
export function utcDayAfter(timeMs: number, days: number): string {
  return utcDay(timeMs + days * dayMs);
}

/** Returns whether the text is a valid UTC day in `yyyy-mm-dd` form. */
export function isUtcDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && utcDay(Date.parse(`${text}T00:00:00Z`)) === text;
}
