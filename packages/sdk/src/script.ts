import { createReprise, type RepriseApi } from './core/api.js';
import { createScriptLoader } from './script-loader.js';

/**
 * Entry of the script-tag build (`reprise.js`), which sets `window.reprise`. A page may load it
 * asynchronously behind a stub like Mixpanel's snippet: `window.reprise` is then an array of
 * queued calls (`['track', 'Signed up', {...}]`, `['people.set', {...}]`) with the `init`
 * arguments in its `_i` list. Those calls run in order once this script has loaded.
 */
type QueuedCall = [string, ...unknown[]];
type Stub = QueuedCall[] & { _i?: unknown[][] };

// Read while this script runs: document.currentScript is null in later callbacks.
const ownUrl = (document.currentScript as HTMLScriptElement | null)?.src || location.href;
let recorderSrc = '';
const reprise = createReprise(createScriptLoader(ownUrl, () => recorderSrc));

function initWithRecorderSrc(instance: RepriseApi): RepriseApi['init'] {
  const init = instance.init;
  return (token, config = {}) => {
    if (typeof config?.recorder_src === 'string') recorderSrc = config.recorder_src;
    init(token, config);
  };
}
reprise.init = initWithRecorderSrc(reprise);

function callQueued(instance: RepriseApi, [path, ...args]: QueuedCall): void {
  const [first, second] = String(path).split('.');
  const owner = (second ? instance[first as 'people'] : instance) as unknown as Record<
    string,
    unknown
  >;
  const name = second ?? first ?? '';
  const method = owner && Object.prototype.hasOwnProperty.call(owner, name) ? owner[name] : null;
  if (typeof method === 'function') method.apply(owner, args);
}

const existing = (window as unknown as { reprise?: unknown }).reprise;
(window as unknown as { reprise: RepriseApi }).reprise = reprise;
if (Array.isArray(existing)) {
  const stub = existing as Stub;
  for (const initArgs of stub._i ?? [])
    reprise.init(...(initArgs as Parameters<RepriseApi['init']>));
  for (const call of stub) if (Array.isArray(call)) callQueued(reprise, call);
}
