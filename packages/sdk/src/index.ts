import { createReprise } from './core/api.js';

export type { PeopleApi, RepriseApi } from './core/api.js';
export type { RepriseConfig } from './config.js';

/**
 * The default instance, used like mixpanel-browser's:
 * `import reprise from '@reprise/sdk'; reprise.init(token, { api_host })`.
 * The recorder (`recorder.mjs`, beside this module in the build) is imported only when a
 * replay is recorded.
 */
const reprise = createReprise(() => import('./recorder.js'));

export default reprise;
export { reprise };
