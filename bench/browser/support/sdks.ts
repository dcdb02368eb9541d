import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SiteServer } from './site-server.js';

const require = createRequire(import.meta.url);

/** Returns the folder of an installed package, also of one whose exports hide package.json. */
function packageFolder(name: string): string {
  let folder = dirname(require.resolve(name));
  while (!existsSync(join(folder, 'package.json')) || !isManifestOf(folder, name)) {
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error(`No package.json of ${name} above ${require.resolve(name)}`);
    folder = parent;
  }
  return folder;
}

function isManifestOf(folder: string, name: string): boolean {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name === name;
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(packageFolder(name), 'package.json'), 'utf8'));
  return String(manifest.version);
}

export const repriseDist = join(packageFolder('@reprise/sdk'), 'dist');
export const mixpanelDist = join(packageFolder('mixpanel-browser'), 'dist');
export const posthogDist = join(packageFolder('posthog-js'), 'dist');
export const rrwebDist = join(packageFolder('rrweb'), 'dist');

export type SdkId = 'none' | 'reprise' | 'mixpanel' | 'posthog' | 'rrweb';

export const sdkIds: readonly SdkId[] = ['none', 'reprise', 'mixpanel', 'posthog', 'rrweb'];

/**
 * One SDK under test. Every SDK's script defines `window.reprise` with the calls that the
 * benchmark pages and the example shop make (`init(token, config)`, `track`, `identify`,
 * `people.set`), mapped onto the SDK's own API. `config` carries `api_host` and
 * `record_sessions_percent`; every other option keeps the SDK's default unless listed here.
 */
export interface BenchSdk {
  id: SdkId;
  /** Name and version, for tables. */
  label: string;
  /** URL path of the `<script>` that loads the SDK. */
  scriptPath: string;
  /** JavaScript expression that is true in the page once the SDK records. */
  recordingCheck: string;
  /** JavaScript expression of the replay id that the SDK sends to Reprise, where it has one. */
  replayIdExpression?: string;
}

/** posthog-js options: recording with Reprise's privacy defaults, every other feature off. */
const posthogOptions = {
  autocapture: false,
  capture_pageview: false,
  capture_pageleave: false,
  rageclick: false,
  capture_dead_clicks: false,
  capture_heatmaps: false,
  capture_exceptions: false,
  capture_performance: false,
  disable_surveys: true,
  disable_product_tours: true,
  disable_conversations: true,
  disable_web_experiments: true,
  advanced_disable_feature_flags: true,
  enable_recording_console_log: false,
  persistence: 'localStorage',
  // Headless Chromium's user agent counts as a bot, whose events posthog-js drops.
  opt_out_useragent_filter: true,
  session_recording: {
    maskAllInputs: true,
    maskTextSelector: '*',
    blockSelector: 'img, video, audio',
  },
};

/**
 * Remote configuration that the ingestion server returns to posthog-js: session recording on
 * for every session (no sample rate, no minimum duration, no triggers), uploads to `/s/`, and
 * nothing else enabled.
 */
export const posthogRemoteConfig = {
  supportedCompression: ['gzip', 'gzip-js'],
  sessionRecording: { endpoint: '/s/', consoleLogRecordingEnabled: false },
  autocapture_opt_out: true,
  capturePerformance: false,
  heatmaps: false,
  surveys: false,
  productTours: false,
  captureDeadClicks: false,
  hasFeatureFlags: false,
  siteApps: [],
  toolbarParams: {},
  isAuthenticated: false,
  defaultIdentifiedOnly: true,
};

/**
 * rrweb options equal to Reprise's privacy defaults: every field value masked, all text masked
 * (each character becomes `*`), images, video and audio blocked.
 */
const rrwebOptions = {
  maskAllInputs: true,
  maskTextSelector: '*',
  blockSelector: 'img, video, audio',
};

/** Time between two uploads of the plain rrweb harness, in ms. */
export const rrwebUploadIntervalMs = 5000;

const noSdkScript = `
window.reprise = { init() {}, track() {}, identify() {}, people: { set() {} } };
`;

/**
 * mixpanel-browser installed with the package's loader snippet, which loads `mixpanel.min.js`
 * asynchronously. That build loads the recorder bundle only when a session is sampled in. Both
 * come from this site instead of Mixpanel's CDN.
 */
function mixpanelScript(): string {
  const snippet = readFileSync(join(mixpanelDist, 'mixpanel-jslib-snippet.min.js'), 'utf8');
  return `
window.MIXPANEL_CUSTOM_LIB_URL = '/vendor/mixpanel/mixpanel.min.js';
${snippet}
window.reprise = {
  init(token, config) {
    window.mixpanel.init(token, Object.assign({ recorder_src: '/vendor/mixpanel/mixpanel-recorder.min.js' }, config));
  },
  track(name, properties) { window.mixpanel.track(name, properties); },
  identify(id) { window.mixpanel.identify(id); },
  people: { set(properties) { window.mixpanel.people.set(properties); } },
};
`;
}

/**
 * posthog-js's script-tag build (`array.js`), loaded asynchronously. Calls made before it has
 * loaded wait for it, in order. posthog-js then loads its recorder from
 * `api_host` (`/static/...`), after the remote configuration turned recording on.
 */
function posthogScript(): string {
  return `
(function () {
  const options = ${JSON.stringify(posthogOptions)};
  const script = document.createElement('script');
  script.async = true;
  script.src = '/vendor/posthog/array.js';
  const loaded = new Promise((resolve, reject) => {
    script.onload = () => resolve(window.posthog);
    script.onerror = () => reject(new Error('posthog-js failed to load'));
  });
  (document.head || document.documentElement).appendChild(script);
  window.reprise = {
    init(token, config) {
      loaded.then((posthog) => posthog.init(token, Object.assign({ api_host: config.api_host }, options)));
    },
    track(name, properties) { loaded.then((posthog) => posthog.capture(name, properties)); },
    identify(id) { loaded.then((posthog) => posthog.identify(id)); },
    people: { set(properties) { loaded.then((posthog) => posthog.setPersonProperties(properties)); } },
  };
})();
`;
}

/**
 * rrweb 2.2.2's browser build, loaded asynchronously, recording with Reprise's privacy
 * defaults. Its events go to an array, which is posted every 5 s as gzip JSON (compressed with
 * `CompressionStream`, started from the page's thread) to `api_host` + `/rrweb/`, and what is
 * left goes as the page hides. It sends no analytics events.
 */
function rrwebScript(): string {
  return `
(function () {
  const script = document.createElement('script');
  script.async = true;
  script.src = '/vendor/rrweb/rrweb.umd.min.cjs';
  const loaded = new Promise((resolve, reject) => {
    script.onload = () => resolve(window.rrweb);
    script.onerror = () => reject(new Error('rrweb failed to load'));
  });
  (document.head || document.documentElement).appendChild(script);
  const events = [];
  function upload(apiHost) {
    if (events.length === 0) return;
    const json = JSON.stringify(events.splice(0));
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
    new Response(stream).blob().then((body) => fetch(apiHost + '/rrweb/', { method: 'POST', body }));
  }
  // Compression is asynchronous and would not finish as the page goes away, so the last
  // events go uncompressed, with keepalive (which allows 64 KiB).
  function uploadOnLeave(apiHost) {
    if (events.length === 0) return;
    const body = JSON.stringify(events.splice(0));
    fetch(apiHost + '/rrweb/', { method: 'POST', body, keepalive: true }).catch(() => {});
  }
  window.reprise = {
    init(token, config) {
      loaded.then((rrweb) => {
        rrweb.record(Object.assign({ emit: (event) => events.push(event) }, ${JSON.stringify(rrwebOptions)}));
        window.__benchRrwebRecording = true;
        setInterval(() => upload(config.api_host), ${rrwebUploadIntervalMs});
        addEventListener('pagehide', () => uploadOnLeave(config.api_host));
      });
    },
    track() {},
    identify() {},
    people: { set() {} },
  };
})();
`;
}

export const benchSdks: Record<SdkId, BenchSdk> = {
  none: {
    id: 'none',
    label: 'none (baseline)',
    scriptPath: '/bench-sdk/none.js',
    recordingCheck: 'true',
  },
  reprise: {
    id: 'reprise',
    label: `Reprise ${packageVersion('@reprise/sdk')}`,
    scriptPath: '/sdk/reprise.js',
    recordingCheck:
      'Boolean(window.__repriseRecorder && window.reprise.get_session_recording_properties().$mp_replay_id)',
    replayIdExpression: 'window.reprise.get_session_recording_properties().$mp_replay_id',
  },
  mixpanel: {
    id: 'mixpanel',
    label: `mixpanel-browser ${packageVersion('mixpanel-browser')}`,
    scriptPath: '/bench-sdk/mixpanel.js',
    recordingCheck:
      'Boolean(window.__mp_recorder && window.mixpanel.__loaded && window.mixpanel.get_session_recording_properties().$mp_replay_id)',
    replayIdExpression: 'window.mixpanel.get_session_recording_properties().$mp_replay_id',
  },
  posthog: {
    id: 'posthog',
    label: `posthog-js ${packageVersion('posthog-js')}`,
    scriptPath: '/bench-sdk/posthog.js',
    recordingCheck:
      'Boolean(window.posthog && window.posthog.__loaded && window.posthog.sessionRecordingStarted())',
  },
  rrweb: {
    id: 'rrweb',
    label: `rrweb ${packageVersion('rrweb')}`,
    scriptPath: '/bench-sdk/rrweb.js',
    recordingCheck: 'window.__benchRrwebRecording === true',
  },
};

/** Folders that a benchmark site must mount for the SDKs' scripts. */
export function sdkMounts(): Record<string, string> {
  if (!existsSync(join(repriseDist, 'reprise.js'))) {
    throw new Error(
      `Reprise's SDK is not built: ${repriseDist}/reprise.js is missing. Run npm run build -w @reprise/sdk.`,
    );
  }
  return {
    '/sdk/': repriseDist,
    '/vendor/mixpanel/': mixpanelDist,
    '/vendor/posthog/': posthogDist,
    '/vendor/rrweb/': rrwebDist,
  };
}

/** Serves every SDK's loading script on `site`, at the SDK's `scriptPath`. */
export function installSdkScripts(site: SiteServer): void {
  site.setFile(benchSdks.none.scriptPath, noSdkScript);
  site.setFile(benchSdks.mixpanel.scriptPath, mixpanelScript());
  site.setFile(benchSdks.posthog.scriptPath, posthogScript());
  site.setFile(benchSdks.rrweb.scriptPath, rrwebScript());
}

/** Parses a comma-separated list of SDK ids, such as `reprise,mixpanel`. */
export function parseSdkList(value: string): SdkId[] {
  const ids = value.split(',').map((part) => part.trim());
  for (const id of ids) {
    if (!sdkIds.includes(id as SdkId)) {
      throw new RangeError(`Unknown SDK ${id}; use some of ${sdkIds.join(', ')}`);
    }
  }
  return ids as SdkId[];
}
