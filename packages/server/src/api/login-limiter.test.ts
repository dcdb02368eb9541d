import { describe, expect, it } from 'vitest';
import type { HttpError } from '../errors.js';
import { LoginLimiter } from './login-limiter.js';

function statusOf(action: () => void): number {
  try {
    action();
    return 200;
  } catch (error) {
    return (error as HttpError).status;
  }
}

describe('LoginLimiter', () => {
  it('limits one account after 10 failures', () => {
    const limiter = new LoginLimiter(() => 0);
    for (let attempt = 0; attempt < 10; attempt += 1) limiter.fail('admin@example.com', '10.0.0.1');
    expect(statusOf(() => limiter.check('admin@example.com', '10.0.0.1'))).toBe(429);
    expect(statusOf(() => limiter.check('admin@example.com', '10.0.0.2'))).toBe(200);
  });

  it('limits one address after 100 failures', () => {
    const limiter = new LoginLimiter(() => 0);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      limiter.fail(`guess${attempt}@example.com`, '10.0.0.9');
    }
    expect(statusOf(() => limiter.check('new@example.com', '10.0.0.9'))).toBe(429);
    expect(statusOf(() => limiter.check('new@example.com', '10.0.0.8'))).toBe(200);
  });

  it('flood from one address keeps other counters', () => {
    const limiter = new LoginLimiter(() => 0);
    for (let attempt = 0; attempt < 10; attempt += 1) limiter.fail('admin@example.com', '10.0.0.1');
    let accepted = 0;
    for (let attempt = 0; attempt < 60_000; attempt += 1) {
      const email = `made-up-${attempt}@example.com`;
      if (statusOf(() => limiter.check(email, '10.0.0.66')) !== 200) continue;
      accepted += 1;
      limiter.fail(email, '10.0.0.66');
    }
    expect(accepted).toBe(100);
    expect(statusOf(() => limiter.check('admin@example.com', '10.0.0.1'))).toBe(429);
  });

  it('evicts the oldest keys first', () => {
    let now = 0;
    const limiter = new LoginLimiter(() => now);
    for (let attempt = 0; attempt < 30_000; attempt += 1) {
      now += 1;
      limiter.fail(`user-${attempt}@example.com`, `10.2.${attempt >> 8}.${attempt & 255}`);
    }
    for (let attempt = 0; attempt < 10; attempt += 1) limiter.fail('admin@example.com', '10.0.0.1');
    expect(statusOf(() => limiter.check('admin@example.com', '10.0.0.1'))).toBe(429);
  });

  it('forgets failures after 15 minutes', () => {
    let now = 0;
    const limiter = new LoginLimiter(() => now);
    for (let attempt = 0; attempt < 10; attempt += 1) limiter.fail('admin@example.com', '10.0.0.1');
    now += 15 * 60 * 1000;
    expect(statusOf(() => limiter.check('admin@example.com', '10.0.0.1'))).toBe(200);
  });
});
