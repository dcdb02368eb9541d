/** Debug logger of the SDK, silent unless `debug` is on. */
export interface Logger {
  debug(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

// Captured when the core loads, before the recorder runs, so that a console-recording plugin
// that wraps `console` later never receives (or records) the SDK's own messages.
const consoleLog = typeof console === 'undefined' ? undefined : console.log;
const consoleError = typeof console === 'undefined' ? undefined : console.error;

export function createLogger(isEnabled: () => boolean): Logger {
  const write = (target: typeof consoleLog, args: unknown[]) => {
    if (!target || !isEnabled()) return;
    try {
      target.call(console, '[reprise]', ...args);
    } catch {
      // A console that throws must not break the page.
    }
  };
  return {
    debug: (...args) => write(consoleLog, args),
    error: (...args) => write(consoleError, args),
  };
}
