export { startServer, type RunningServer, type StartOptions } from './server.js';
export { buildApp } from './app.js';
export { loadSettings, settingSpecs, type Settings } from './config/settings.js';
export { ConfigError, HttpError, RepriseError } from './errors.js';
export type { ServerContext } from './context.js';
export type { FirstStartCredentials } from './bootstrap.js';
export { runRetention } from './jobs/retention.js';
export { exportSample } from './samples/export.js';
export { sampleOrigin } from './samples/import.js';
export type { SampleFile } from './samples/format.js';
export {
  CommandError,
  createApiSecret,
  listProjectTokens,
  resetPassword,
} from './admin/commands.js';
