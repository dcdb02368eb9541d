/**
 * Entry of `compression-worker.js`, the recorder's compression worker. It receives
 * `[id, text]` and transfers back `[id, bytes]` with the gzip bytes of `text`, or `[id, null]`
 * when compression failed. The build also inlines this script into the recorder, which starts
 * it from a `blob:` URL where the file cannot be used.
 */
onmessage = async ({ data: [id, text] }: MessageEvent<[number, string]>) => {
  try {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    const bytes = await new Response(stream).arrayBuffer();
    postMessage([id, bytes], { transfer: [bytes] });
  } catch {
    postMessage([id, null]);
  }
};
