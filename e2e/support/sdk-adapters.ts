import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Folder of the official SDK's builds, from the pinned `mixpanel-browser` package. */
export const mixpanelDist = join(dirname(require.resolve('mixpanel-browser/package.json')), 'dist');
/** Folder of Reprise's SDK builds; `npm run build -w @reprise/sdk` fills it. */
export const repriseDist = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'sdk',
  'dist',
);

type Properties = Record<string, unknown>;

/**
 * How a test drives one browser SDK on a page: how the page loads it and calls `init`, and how
 * to track, identify, set profile properties and reload. Every SDK in `sdkAdapters` runs the
 * same scenarios and assertions.
 */
export interface SdkAdapter {
  /** Name in test titles. */
  name: string;
  /** Folders the test site serves, by URL prefix. */
  mounts: Record<string, string>;
  /** Options added to every `init` call, to make uploads come soon in tests. */
  testConfig: Properties;
  /** Maximum time between two `/record/` uploads of a recording, in ms. */
  recordFlushMs: number;
  /** Whether `trackOnLeave` sends with `navigator.sendBeacon`, as `text/plain`. */
  sendsBeacons: boolean;
  /**
   * How `/record/` uploads carry the project token: in `Authorization: Basic` with an
   * `application/octet-stream` body, or in the `token` parameter with a `text/plain` body.
   */
  recordAuth: 'header' | 'query';
  /** Returns the `<script>` tags that load the SDK and call `init(token, config)`. */
  loadScript(token: string, config: Properties): string;
  /** Waits until the SDK has loaded and a replay is recording. */
  waitUntilRecording(page: Page): Promise<string>;
  track(page: Page, event: string, properties?: Properties): Promise<void>;
  /**
   * Tracks an event the way a page does right before it goes away: with `sendBeacon` for an
   * SDK that offers it as a transport, otherwise as `track` does.
   */
  trackOnLeave(page: Page, event: string): Promise<void>;
  identify(page: Page, userId: string): Promise<void>;
  setPeople(page: Page, properties: Properties): Promise<void>;
  /** Reloads the page and waits until the replay records again. */
  reload(page: Page): Promise<void>;
  /** Returns a value of the SDK's resolved configuration, for SDKs that expose it. */
  getConfig?(page: Page, name: string): Promise<unknown>;
  /** Sets properties of a group profile, for SDKs with group analytics. */
  setGroup?(page: Page, groupKey: string, groupId: string, properties: Properties): Promise<void>;
  /**
   * Tracks an event in its own request and returns the reply as the SDK read it, for SDKs
   * that hand it to a callback. Its requests carry credentials (cookies).
   */
  trackAndReadReply?(page: Page, event: string): Promise<unknown>;
}

/** Calls `window[global].<path>(...args)` in the page. */
async function callSdk(page: Page, global: string, path: string, args: unknown[]): Promise<void> {
  await page.evaluate(
    ([global, path, args]) => {
      const names = path.split('.');
      let owner = (window as unknown as Record<string, unknown>)[global] as Record<string, unknown>;
      for (const name of names.slice(0, -1)) owner = owner[name] as Record<string, unknown>;
      (owner[names.at(-1)!] as (...args: unknown[]) => unknown).apply(owner, args);
    },
    [global, path, args] as const,
  );
}

/** Builds the adapter methods that both SDKs share, since they have the same method names. */
function commonMethods(global: string, isLoaded: string) {
  const waitUntilRecording = async (page: Page): Promise<string> => {
    const handle = await page.waitForFunction(
      ([global, isLoaded]) => {
        const sdk = (window as unknown as Record<string, Record<string, unknown>>)[global];
        if (!sdk || !sdk[isLoaded]) return undefined;
        const properties = (sdk.get_session_recording_properties as () => Properties)();
        return properties.$mp_replay_id as string | undefined;
      },
      [global, isLoaded] as const,
      { timeout: 20_000 },
    );
    return (await handle.jsonValue()) as string;
  };
  return {
    waitUntilRecording,
    track: (page: Page, event: string, properties: Properties = {}) =>
      callSdk(page, global, 'track', [event, properties]),
    identify: (page: Page, userId: string) => callSdk(page, global, 'identify', [userId]),
    setPeople: (page: Page, properties: Properties) =>
      callSdk(page, global, 'people.set', [properties]),
    reload: async (page: Page) => {
      await page.reload();
      await waitUntilRecording(page);
    },
  };
}

/**
 * The official SDK, installed the documented way for a script tag: its loader snippet, pointed
 * at the bundle that contains the recorder through `MIXPANEL_CUSTOM_LIB_URL`, so that nothing
 * loads from Mixpanel's CDN.
 */
const mixpanelBrowser: SdkAdapter = {
  name: 'mixpanel-browser 2.83.0',
  recordAuth: 'header',
  mounts: { '/mixpanel/': mixpanelDist },
  testConfig: { batch_flush_interval_ms: 500 },
  // Fixed in mixpanel-browser 2.83.0: the recorder's batcher flushes every 10 s.
  recordFlushMs: 10_000,
  sendsBeacons: true,
  loadScript: (token, config) => `
<script>window.MIXPANEL_CUSTOM_LIB_URL = '/mixpanel/mixpanel-with-recorder.min.js';</script>
<script src="/mixpanel/mixpanel-jslib-snippet.min.js"></script>
<script>mixpanel.init(${JSON.stringify(token)}, ${JSON.stringify(config)});</script>`,
  ...commonMethods('mixpanel', '__loaded'),
  trackOnLeave: (page, event) =>
    callSdk(page, 'mixpanel', 'track', [
      event,
      {},
      { transport: 'sendBeacon', send_immediately: true },
    ]),
  setGroup: (page, groupKey, groupId, properties) =>
    page.evaluate(
      ([groupKey, groupId, properties]) => {
        const mixpanel = (
          window as unknown as {
            mixpanel: { get_group(key: string, id: string): { set(properties: object): void } };
          }
        ).mixpanel;
        mixpanel.get_group(groupKey, groupId).set(properties);
      },
      [groupKey, groupId, properties] as const,
    ),
  trackAndReadReply: (page, event) =>
    page.evaluate(
      (event) =>
        new Promise((resolve) => {
          const mixpanel = (
            window as unknown as {
              mixpanel: {
                track(
                  name: string,
                  properties: object,
                  options: object,
                  done: (reply: unknown) => void,
                ): void;
              };
            }
          ).mixpanel;
          mixpanel.track(event, {}, { send_immediately: true }, resolve);
        }),
      event,
    ),
  getConfig: (page, name) =>
    page.evaluate(
      (name) =>
        (
          window as unknown as { mixpanel: { get_config(name: string): unknown } }
        ).mixpanel.get_config(name),
      name,
    ),
};

/** Reprise's own SDK, from its script-tag build, which loads its recorder from the same folder. */
const reprise: SdkAdapter = {
  name: 'Reprise SDK',
  recordAuth: 'query',
  mounts: { '/sdk/': repriseDist },
  testConfig: { batch_flush_interval_ms: 500, record_flush_interval_ms: 1000 },
  recordFlushMs: 1000,
  // Reprise's SDK sends what is queued with `fetch(..., {keepalive: true})` as the page hides.
  sendsBeacons: false,
  loadScript: (token, config) => `
<script src="/sdk/reprise.js"></script>
<script>reprise.init(${JSON.stringify(token)}, ${JSON.stringify(config)});</script>`,
  ...commonMethods('reprise', 'track'),
  trackOnLeave: (page, event) => callSdk(page, 'reprise', 'track', [event, {}]),
};

/** Every SDK that must work against Reprise's ingestion routes. */
export const sdkAdapters: SdkAdapter[] = [mixpanelBrowser, reprise];

/** Parts of a test page around the SDK. */
export interface TestPageParts {
  /** HTML before the SDK's scripts. */
  body?: string;
  /** Script that runs right after `init`, before the SDK has finished loading. */
  afterInit?: string;
}

/**
 * Builds a test page: `parts.body`, then the SDK with `init(token, config)`, then
 * `parts.afterInit`. The page counts its loads in the tab (`sessionStorage`) and sets
 * `<body data-load="n">`, so a replay shows which load it is on. Attributes are recorded as
 * they are, unlike text, which is masked.
 */
export function sdkTestPage(
  adapter: SdkAdapter,
  token: string,
  config: Properties,
  parts: TestPageParts = {},
): string {
  const init = { ...adapter.testConfig, ...config };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>SDK test page</title>
<link rel="icon" href="data:,"></head>
<body>
<script>
  const load = Number(sessionStorage.getItem('test-page-loads') ?? '0') + 1;
  sessionStorage.setItem('test-page-loads', String(load));
  document.body.dataset.load = String(load);
</script>
<h1 id="heading">Compatibility test page</h1>
<ul id="list"></ul>
<button id="add" onclick="addItem()">Add an item</button>
<div id="marker" data-step="0"></div>
<script>
  function addItem() {
    const item = document.createElement('li');
    item.textContent = 'Item ' + (document.querySelectorAll('#list li').length + 1);
    document.getElementById('list').append(item);
  }
  /** Sets the marker's data-step, an attribute mutation that a test can find in the replay. */
  function mark(step) {
    document.getElementById('marker').dataset.step = String(step);
  }
</script>
${parts.body ?? ''}
${adapter.loadScript(token, init)}
${parts.afterInit ? `<script>${parts.afterInit}</script>` : ''}
</body></html>`;
}
