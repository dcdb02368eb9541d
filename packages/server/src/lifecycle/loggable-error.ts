/**
 * Returns the parts of an error that are safe to log: name, message, code and stack. Drivers
 * add other fields (PostgreSQL's `detail` quotes key values, such as a user id), so only these
 * are kept.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: error.stack,
  };
}
