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
  type ReceivedRequest,
  type InjectedReply,
} from './recording-proxy.js';
export { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
export { startStaticServer, type StaticServer } from './static-server.js';
export { waitFor, logIn, openReplay, playerPositionMs, pausePlayer } from './app.js';
export { startReplay, rrwebBrowserBuild, type TestReplay } from './rrweb-replay.js';
export {
  clickPrivacyTargets,
  exercisePrivacyForm,
  privacyCanaries,
  privacyFormBody,
  privacyFormClickTargets,
} from './pages/privacy-form.js';
