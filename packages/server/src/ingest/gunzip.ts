import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { badRequest, payloadTooLarge } from '../errors.js';

const gunzipAsync = promisify(gunzip);

/** Returns whether the bytes start with the gzip magic number. */
export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * Inflates a gzip body, stopping as soon as the output passes `maxBytes`, so a small body
 * that inflates to gigabytes (a gzip bomb) costs at most `maxBytes` of memory. zlib runs on
 * the thread pool in one call, which costs the event loop less than a stream.
 */
export async function gunzipWithLimit(body: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
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
