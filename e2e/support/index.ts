export { findChromium, launchChromium } from './chromium.js';
export {
  startCaptureServer,
  type CaptureServer,
  type CapturedRequest,
  type CaptureHandler,
} from './capture-server.js';
