import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge } from '../errors.js';

const gunzipAsync = promisify(gunzip);

/** Returns whether the bytes start with the gzip magic number. */
export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * Largest output inflated on the event loop, where it blocks other requests for about 2.5 ms
 * (measured on the ingestion benchmark's machine, see docs/benchmarks.md). There a 1 KiB
 * chunk took 12 µs to inflate this way, against 80 µs through the thread pool. Larger
 * outputs inflate on the thread pool.
 */
const maxEventLoopOutputBytes = 1024 * 1024;

/**
 * Inflates a gzip body, stopping as soon as the output passes `maxBytes`, so a small body
 * that inflates to gigabytes (a gzip bomb) costs at most `maxBytes` of memory.
 */
export async function gunzipWithLimit(body: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await inflate(body, maxBytes);
  } catch (error) {
    if (isTooLarge(error)) {
      throw payloadTooLarge(
        `Decompressed body is larger than ${maxBytes} bytes (REPRISE_MAX_DECOMPRESSED_BYTES); send smaller batches`,
        'body',
        maxBytes,
      );
    }
    throw badRequest('invalid_gzip', `Body is not valid gzip: ${(error as Error).message}`, {
      field: 'body',
    });
  }
}

/** Inflates small bodies on the event loop first, then on the thread pool past that limit. */
async function inflate(body: Buffer, maxBytes: number): Promise<Buffer> {
  const eventLoopLimit = Math.min(maxBytes, maxEventLoopOutputBytes);
  if (body.length < eventLoopLimit) {
    try {
      return gunzipSync(body, { maxOutputLength: eventLoopLimit });
    } catch (error) {
      if (!isTooLarge(error) || eventLoopLimit === maxBytes) throw error;
    }
  }
  return gunzipAsync(body, { maxOutputLength: maxBytes });
}

function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}
