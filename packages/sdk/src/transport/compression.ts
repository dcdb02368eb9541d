/** A request body, compressed or not, with the `format` value `/record/` expects for it. */
export interface CompressedBody {
  body: Blob | string;
  format: 'gzip' | 'body';
}

/**
 * Compresses upload bodies. The interface is asynchronous so that an implementation can run in
 * a Web Worker; the one below runs on the page's thread.
 */
export interface Compressor {
  compress(text: string): Promise<CompressedBody>;
}

/** Gzips with `CompressionStream` where the browser has it, and sends plain JSON otherwise. */
export function createMainThreadCompressor(): Compressor {
  const plain = (text: string): CompressedBody => ({ body: text, format: 'body' });
  if (typeof CompressionStream !== 'function') return { compress: async (text) => plain(text) };
  return {
    async compress(text) {
      try {
        const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
        return { body: await new Response(stream).blob(), format: 'gzip' };
      } catch {
        return plain(text);
      }
    },
  };
}
