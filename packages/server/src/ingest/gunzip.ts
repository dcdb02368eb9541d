import { createGunzip } from 'node:zlib';
import { badRequest, payloadTooLarge } from '../errors.js';

/** Returns whether the bytes start with the gzip magic number. */
export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * Inflates a gzip body, stopping as soon as the output passes `maxBytes`, so a small body
 * that inflates to gigabytes (a gzip bomb) costs at most `maxBytes` of memory.
 */
export function gunzipWithLimit(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const parts: Buffer[] = [];
    let total = 0;
    let settled = false;

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(error);
    };

    gunzip.on('data', (part: Buffer) => {
      total += part.length;
      if (total > maxBytes) {
        fail(
          payloadTooLarge(
            `Decompressed body is larger than ${maxBytes} bytes (REPRISE_MAX_DECOMPRESSED_BYTES); send smaller batches`,
            'body',
            maxBytes,
          ),
        );
        return;
      }
      parts.push(part);
    });
    gunzip.on('error', (error) => {
      fail(
        badRequest('invalid_gzip', `Body is not valid gzip: ${error.message}`, { field: 'body' }),
      );
    });
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(parts, total));
    });
    gunzip.end(body);
  });
}
