import type { RepriseConfig } from '../config.js';
import type { RecorderLoader } from '../recorder-api.js';
import { Core } from './core.js';
import { createLogger } from './logger.js';

type Properties = Record<string, unknown>;

/** Profile methods, as `mixpanel.people` has them. */
export interface PeopleApi {
  set(nameOrProperties: string | Properties, value?: unknown): void;
  set_once(nameOrProperties: string | Properties, value?: unknown): void;
  /** Adds `by` (default 1) to a numeric property, or each number of a map. */
  increment(nameOrProperties: string | Record<string, number>, by?: number): void;
  append(nameOrProperties: string | Properties, value?: unknown): void;
  union(nameOrProperties: string | Record<string, unknown[]>, values?: unknown[]): void;
  unset(names: string | string[]): void;
}

/** The public API, a subset of mixpanel-browser's with the same names and arguments. */
export interface RepriseApi {
  init(token: string, config?: Partial<RepriseConfig>): void;
  track(event: string, properties?: Properties): void;
  identify(userId: string): void;
  register(properties: Properties): void;
  register_once(properties: Properties, defaultValue?: unknown): void;
  unregister(name: string): void;
  get_property(name: string): unknown;
  get_distinct_id(): string | undefined;
  reset(): void;
  people: PeopleApi;
  opt_out_tracking(): void;
  opt_in_tracking(): void;
  has_opted_out_tracking(): boolean;
  start_session_recording(): void;
  stop_session_recording(): void;
  /** Stops capturing but keeps the replay id, until `resume_session_recording()`. */
  pause_session_recording(): void;
  /** Continues a paused replay, under the same id, with a fresh full snapshot. */
  resume_session_recording(): void;
  get_session_recording_properties(): { $mp_replay_id?: string };
}

/**
 * Creates an SDK instance. Every public method catches its own errors and logs them when
 * `debug` is on, so a fault in Reprise never reaches the host page. Calls made before `init`
 * do nothing.
 */
export function createReprise(loadRecorder: RecorderLoader): RepriseApi {
  let core: Core | null = null;
  const log = createLogger(() => core?.config.debug === true);

  function guard<A extends unknown[], R>(
    name: string,
    run: (core: Core, ...args: A) => R,
    fallback: R,
  ) {
    return (...args: A): R => {
      try {
        if (core) return run(core, ...args);
        log.error(`${name} was called before init`);
      } catch (error) {
        log.error(`${name} failed`, error);
      }
      return fallback;
    };
  }

  const people: PeopleApi = {
    set: guard(
      'people.set',
      (c, nameOrMap, value?) => c.updatePeople('$set', nameOrMap, value),
      undefined,
    ),
    set_once: guard(
      'people.set_once',
      (c, nameOrMap, value?) => c.updatePeople('$set_once', nameOrMap, value),
      undefined,
    ),
    increment: guard(
      'people.increment',
      (c, nameOrMap, by?) => c.updatePeople('$add', nameOrMap, by),
      undefined,
    ),
    append: guard(
      'people.append',
      (c, nameOrMap, value?) => c.updatePeople('$append', nameOrMap, value),
      undefined,
    ),
    union: guard(
      'people.union',
      (c, nameOrMap, values?) => c.updatePeople('$union', nameOrMap, values),
      undefined,
    ),
    unset: guard('people.unset', (c, names) => c.updatePeople('$unset', names), undefined),
  };

  const api: RepriseApi = {
    init(token, config = {}) {
      try {
        if (core) return log.error('init was called twice; the second call is ignored');
        if (typeof token !== 'string' || token === '') {
          return createLogger(() => config.debug === true).error('init: the token is missing');
        }
        core = new Core(token, config, log, loadRecorder);
        core.start();
        core.config.loaded?.(api);
      } catch (error) {
        log.error('init failed', error);
      }
    },
    track: guard('track', (c, event, properties?) => c.track(event, properties), undefined),
    identify: guard('identify', (c, userId) => c.identify(userId), undefined),
    register: guard('register', (c, properties) => c.register(properties), undefined),
    register_once: guard(
      'register_once',
      (c, properties, value?) => c.registerOnce(properties, value),
      undefined,
    ),
    unregister: guard('unregister', (c, name) => c.unregister(name), undefined),
    get_property: guard('get_property', (c, name) => c.getProperty(name), undefined),
    get_distinct_id: guard('get_distinct_id', (c) => c.distinctId(), undefined),
    reset: guard('reset', (c) => c.reset(), undefined),
    people,
    opt_out_tracking: guard('opt_out_tracking', (c) => c.optOut(), undefined),
    opt_in_tracking: guard('opt_in_tracking', (c) => c.optIn(), undefined),
    has_opted_out_tracking: guard('has_opted_out_tracking', (c) => c.hasOptedOut(), false),
    start_session_recording: guard('start_session_recording', (c) => c.startRecording(), undefined),
    stop_session_recording: guard('stop_session_recording', (c) => c.stopRecording(), undefined),
    pause_session_recording: guard('pause_session_recording', (c) => c.pauseRecording(), undefined),
    resume_session_recording: guard(
      'resume_session_recording',
      (c) => c.resumeRecording(),
      undefined,
    ),
    get_session_recording_properties: guard(
      'get_session_recording_properties',
      (c) => c.recordingProperties(),
      {},
    ),
  };
  return api;
}
