/** Entry of the recorder bundle (`recorder.mjs`), which the core imports on demand. */
export { startRecording } from './recorder/recording.js';
