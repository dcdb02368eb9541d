/** Returns the text to show for a failure: the server's message for API errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Reload the page and try again.';
}
