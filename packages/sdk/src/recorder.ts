// Entry of the recorder bundle (`recorder.mjs`), which the core imports on demand.
import type { RecorderHost } from './recorder-api.js';
import { startRecording as start } from './recorder/recording.js';

const workerUrl = new URL('compression-worker.js', import.meta.url).href;

export function startRecording(host: RecorderHost) {
  return start(host, workerUrl);
}
