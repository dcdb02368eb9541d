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

declare const __REPRISE_COMPRESSION_WORKER__: string | undefined;

/** Source of `compression-worker.js`, inlined by the build; absent when tests run the sources. */
const inlineWorkerSource =
  typeof __REPRISE_COMPRESSION_WORKER__ === 'string' ? __REPRISE_COMPRESSION_WORKER__ : '';

/** Time after which a silent worker counts as failed, in ms. */
const workerTimeoutMs = 10_000;

/**
 * Gzips in a Web Worker, so that the page's thread only serializes the events. The worker
 * script is `workerUrl` when it has the page's origin (a site that serves the SDK itself), and
 * otherwise, or when a Content-Security-Policy blocks that file, the inlined copy from a
 * `blob:` URL. When no worker runs, because the page allows neither or the worker fails or
 * stays silent for `workerTimeoutMs`, the compressor gzips on the page's thread from then on.
 */
export function createCompressor(workerUrl?: string): Compressor {
  const fallback = createMainThreadCompressor();
  if (typeof CompressionStream !== 'function' || typeof Worker !== 'function') return fallback;
  const sources: string[] = [];
  if (workerUrl && new URL(workerUrl, location.href).origin === location.origin) {
    sources.push(workerUrl);
  }
  if (inlineWorkerSource) {
    const blob = new Blob([inlineWorkerSource], { type: 'text/javascript' });
    sources.push(URL.createObjectURL(blob));
  }
  const waiting = new Map<number, (bytes: ArrayBuffer | null) => void>();
  let lastId = 0;
  let worker: Worker | null = null;
  const startNextWorker = () => {
    worker?.terminate();
    worker = null;
    // Batches already handed to the failed worker are compressed on the page's thread.
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    while (!worker && sources.length > 0) {
      const source = sources.shift()!;
      try {
        // A script of another origin throws here. A Content-Security-Policy that blocks the
        // source fires `error` later instead, which moves on to the next source.
        worker = new Worker(source);
        worker.onerror = startNextWorker;
        worker.onmessage = ({ data: [id, bytes] }: MessageEvent<[number, ArrayBuffer | null]>) => {
          waiting.get(id)?.(bytes);
          waiting.delete(id);
        };
      } catch {
        worker = null;
      }
    }
  };
  startNextWorker();
  return {
    async compress(text) {
      const running = worker;
      if (!running) return fallback.compress(text);
      const id = ++lastId;
      const bytes = await new Promise<ArrayBuffer | null>((resolve) => {
        const timer = setTimeout(() => worker === running && startNextWorker(), workerTimeoutMs);
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
