import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { gunzipWithLimit, isGzip } from './gunzip.js';

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('The promise resolved');
}

describe('gunzipWithLimit', () => {
  const body = Buffer.alloc(100_000, 'a');

  it('inflates up to the limit', async () => {
    expect((await gunzipWithLimit(gzipSync(body), body.length)).equals(body)).toBe(true);
  });

  it('rejects one byte over the limit', async () => {
    const error = await rejection(gunzipWithLimit(gzipSync(body), body.length - 1));
    expect(error.status).toBe(413);
    expect(error.field).toBe('body');
    expect(error.limit).toBe(body.length - 1);
  });

  // Outputs past 1 MiB inflate on the thread pool after the event loop stops at 1 MiB.
  it('inflates past the event-loop limit', async () => {
    const large = Buffer.alloc(3 * 1024 * 1024, 'b');
    const inflated = await gunzipWithLimit(gzipSync(large), 4 * 1024 * 1024);
    expect(inflated.equals(large)).toBe(true);
  });

  it('rejects a large output over the limit', async () => {
    const large = Buffer.alloc(3 * 1024 * 1024, 'b');
    const error = await rejection(gunzipWithLimit(gzipSync(large), 2 * 1024 * 1024));
    expect(error.status).toBe(413);
    expect(error.limit).toBe(2 * 1024 * 1024);
  });

  it('rejects corrupt gzip', async () => {
    const corrupt = gzipSync(body).subarray(0, 30);
    const error = await rejection(gunzipWithLimit(corrupt, 1_000_000));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_gzip');
  });
});

describe('isGzip', () => {
  it('reads the magic number', () => {
    expect(isGzip(gzipSync('x'))).toBe(true);
    expect(isGzip(Buffer.from('[]'))).toBe(false);
    expect(isGzip(Buffer.from([0x1f]))).toBe(false);
  });
});
