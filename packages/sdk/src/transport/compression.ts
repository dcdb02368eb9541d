/** A request body, compressed or not, with the `format` value `/record/` expects for it. */
export interface CompressedBody {
  body: Blob | string;
  format: 'gzip' | 'body';
}

/** Compresses upload bodies, in a Web Worker or on the page's thread. */
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

/**
 * Source of the compression worker. It receives `[id, text]`, and transfers back `[id, bytes]`
 * with the gzip bytes, or `[id, null]` when compression failed.
 */
const workerSource =
  'onmessage=async({data:[i,t]})=>{try{const b=await new Response(new Blob([t]).stream()' +
  ".pipeThrough(new CompressionStream('gzip'))).arrayBuffer();postMessage([i,b],[b])}" +
  'catch{postMessage([i,null])}}';

/** Time after which a silent worker counts as failed, in ms. */
const workerTimeoutMs = 10_000;

/**
 * Gzips in a Web Worker started from a `blob:` URL, so that the page's thread only serializes
 * the events. It falls back to the page's thread for good when the worker cannot start (for
 * example under a Content-Security-Policy without `blob:` in `worker-src`), fails or times out.
 */
export function createCompressor(): Compressor {
  const fallback = createMainThreadCompressor();
  if (typeof CompressionStream !== 'function' || typeof Worker !== 'function') return fallback;
  let worker: Worker | null = null;
  const waiting = new Map<number, (bytes: ArrayBuffer | null) => void>();
  let lastId = 0;
  const fail = () => {
    worker?.terminate();
    worker = null;
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
  };
  try {
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = ({ data: [id, bytes] }: MessageEvent<[number, ArrayBuffer | null]>) => {
      URL.revokeObjectURL(url);
      waiting.get(id)?.(bytes);
      waiting.delete(id);
    };
    worker.onerror = fail;
  } catch {
    fail();
  }
  return {
    async compress(text) {
      const running = worker;
      if (!running) return fallback.compress(text);
      const id = ++lastId;
      const bytes = await new Promise<ArrayBuffer | null>((resolve) => {
        const timer = setTimeout(fail, workerTimeoutMs);
        waiting.set(id, (result) => {
          clearTimeout(timer);
          resolve(result);
        });
        running.postMessage([id, text]);
      });
      if (!bytes) return fallback.compress(text);
      return { body: new Blob([bytes]), format: 'gzip' };
    },
  };
}
