export { findChromium, launchChromium } from './chromium.js';
export {
  startCaptureServer,
  type CaptureServer,
  type CapturedRequest,
  type CaptureHandler,
} from './capture-server.js';
export {
  startRecordingProxy,
  type RecordingProxy,
  type ProxiedRequest,
} from './recording-proxy.js';
export { startStaticServer, type StaticServer } from './static-server.js';
export { waitFor, logIn, openReplay, playerPositionMs, pausePlayer } from './app.js';
