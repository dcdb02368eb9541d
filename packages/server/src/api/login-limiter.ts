import { HttpError } from '../errors.js';

/** Failed logins allowed for one email from one address within `windowMs`. */
const maxFailuresPerAccount = 10;
/** Failed logins allowed from one address, whatever the emails, within `windowMs`. */
const maxFailuresPerAddress = 100;
const windowMs = 15 * 60 * 1000;
/** Keys tracked at most; past this the key with the oldest failure is forgotten first. */
const maxTrackedKeys = 50_000;

/**
 * Slows password guessing. After 10 failed logins for one email from one address, or 100 from
 * one address for any emails, within 15 minutes, further attempts get 429 until the window
 * passes. Memory is bounded by forgetting the oldest keys, never all of them, so a flood of
 * made-up emails cannot reset the counters. Kept in memory: each server process counts alone.
 */
export class LoginLimiter {
  /** Failure times per key, in insertion order of each key's latest failure. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Raises 429 when the account or the address has too many recent failures. */
  check(email: string, address: string): void {
    this.checkKey(accountKey(email, address), maxFailuresPerAccount);
    this.checkKey(addressKey(address), maxFailuresPerAddress);
  }

  fail(email: string, address: string): void {
    this.record(accountKey(email, address));
    this.record(addressKey(address));
  }

  succeed(email: string, address: string): void {
    this.failures.delete(accountKey(email, address));
  }

  private checkKey(key: string, limit: number): void {
    const recent = this.recent(key);
    if (recent.length < limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + windowMs - this.now()) / 1000));
    throw new HttpError(
      429,
      'too_many_attempts',
      `Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
      { retryAfterSeconds },
    );
  }

  private record(key: string): void {
    const times = [...this.recent(key), this.now()];
    // Deleting first moves the key to the end of the map's order, behind older keys.
    this.failures.delete(key);
    this.failures.set(key, times);
    while (this.failures.size > maxTrackedKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  private recent(key: string): number[] {
    const since = this.now() - windowMs;
    return (this.failures.get(key) ?? []).filter((time) => time > since);
  }
}

function accountKey(email: string, address: string): string {
  return `account|${email.toLowerCase()}|${address}`;
}

function addressKey(address: string): string {
  return `address|${address}`;
}
