import { HttpError } from '../errors.js';

/** Failed logins allowed per email and address within `windowMs`. */
const maxFailures = 10;
const windowMs = 15 * 60 * 1000;

/**
 * Slows password guessing: after `maxFailures` failed logins for one email from one address
 * within 15 minutes, further attempts get 429 until the window passes. Kept in memory, so
 * each server process counts on its own.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  check(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= maxFailures) {
      const retryAfterSeconds = Math.ceil((recent[0]! + windowMs - this.now()) / 1000);
      throw new HttpError(
        429,
        'too_many_attempts',
        `Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
        { retryAfterSeconds },
      );
    }
  }

  fail(key: string): void {
    if (this.failures.size > 50_000) this.failures.clear();
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - windowMs;
    return (this.failures.get(key) ?? []).filter((time) => time > since);
  }
}
