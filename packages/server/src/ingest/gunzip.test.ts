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
