import type { RecorderHost, RecorderModule } from './recorder-api.js';
import { startRecording } from './recorder/recording.js';
import { recorderGlobalName } from './script-loader.js';

// Entry of `reprise-recorder.js`: hands the recorder to the script-tag core that loaded it.
const ownUrl = (document.currentScript as HTMLScriptElement | null)?.src;
const workerUrl = ownUrl ? new URL('compression-worker.js', ownUrl).href : undefined;
(window as unknown as Record<string, RecorderModule>)[recorderGlobalName] = {
  startRecording: (host: RecorderHost) => startRecording(host, workerUrl),
};
