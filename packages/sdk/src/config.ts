/**
 * Options of `init(token, config)`. Names and meanings follow `mixpanel-browser`, so a site can
 * move its existing `init` call over. Every default is applied once, in `resolveConfig`.
 */
export interface RepriseConfig {
  /**
   * Origin of the Reprise server, for example `http://127.0.0.1:8484`; a trailing slash is
   * removed. Default: the page's own origin.
   */
  api_host: string;
  /** Writes SDK logs to the console, prefixed `[reprise]`. Default: false (silent). */
  debug: boolean;
  /** Time between two `/track/` and `/engage/` requests, in ms. Default: 1000. */
  batch_flush_interval_ms: number;
  /** Maximum number of events or profile updates in one request. Default: 50. */
  batch_size: number;
  /**
   * Treats a browser with Do Not Track on as opted in. Default: false, so Do Not Track opts
   * the visitor out of tracking and recording.
   */
  ignore_dnt: boolean;
  /** Opts every visitor out until `opt_in_tracking()` is called. Default: false. */
  opt_out_tracking_by_default: boolean;
  /** Called with the instance once `init` has finished. Default: none. */
  loaded: ((instance: unknown) => void) | null;

  /**
   * Percentage (0 to 100) of replays that are recorded. It is drawn once per replay and stored
   * with it, so a reload does not draw again. `start_session_recording()` records regardless.
   * Default: 0.
   */
  record_sessions_percent: number;
  /**
   * CSS selector of elements whose text is masked (each non-whitespace character becomes `*`).
   * Default: `"*"`, all text. Elements inside `.mp-mask` are always masked.
   */
  record_mask_text_selector: string;
  /**
   * CSS selector of elements whose text is sent as is, even when `record_mask_text_selector`
   * matches them or an ancestor. It never unmasks `.mp-mask` subtrees. Default: none.
   */
  record_unmask_text_selector: string;
  /** CSS selector of inputs whose values are masked. Default: `"*"`, every input. */
  record_mask_input_selector: string;
  /**
   * CSS selector of inputs whose values are sent as is. Sensitive inputs (password, email, tel,
   * hidden, an `autocomplete` other than `off`, card-like or password-like names) and inputs
   * inside `.mp-mask` stay masked whatever this matches. Default: none.
   */
  record_unmask_input_selector: string;
  /**
   * CSS selector of elements replaced by an empty box of the same size. `.mp-block` elements
   * are blocked as well. Default: `"img, video, audio"`; an empty string blocks only classes.
   */
  record_block_selector: string;
  /** Class name (or pattern) of elements to block, besides `mp-block`. Default: `"mp-block"`. */
  record_block_class: string | RegExp;
  /** Records the fonts the page loads. Default: false. */
  record_collect_fonts: boolean;
  /** Records canvas contents (15 frames per second at most). Default: false. */
  record_canvas: boolean;
  /**
   * Minimum replay length, in ms: nothing of a replay is sent before it is this long, and a
   * replay that ends shorter is discarded. Default: 0. Capped at 8000.
   */
  record_min_ms: number;
  /** Maximum replay length, in ms; then a new replay starts. Default and cap: 24 h. */
  record_max_ms: number;
  /** Time without user input after which the replay ends, in ms. Default: 30 min. */
  record_idle_timeout_ms: number;
  /**
   * Time between two `/record/` uploads, in ms. A batch also goes when 1000 rrweb events are
   * queued, and the first batch of a page (with its full snapshot) goes at once. Default: 5000.
   */
  record_flush_interval_ms: number;
  /**
   * URL of `reprise-recorder.js` for the script-tag build. Default: next to `reprise.js`. The
   * ES module build always imports `recorder.mjs` from its own folder.
   */
  recorder_src: string;
}

export type ResolvedConfig = RepriseConfig & { token: string };

export const maxRecordMs = 24 * 60 * 60 * 1000;
export const maxRecordMinMs = 8000;

export function defaultConfig(): RepriseConfig {
  return {
    api_host: typeof location === 'undefined' ? '' : location.origin,
    debug: false,
    batch_flush_interval_ms: 1000,
    batch_size: 50,
    ignore_dnt: false,
    opt_out_tracking_by_default: false,
    loaded: null,
    record_sessions_percent: 0,
    record_mask_text_selector: '*',
    record_unmask_text_selector: '',
    record_mask_input_selector: '*',
    record_unmask_input_selector: '',
    record_block_selector: 'img, video, audio',
    record_block_class: 'mp-block',
    record_collect_fonts: false,
    record_canvas: false,
    record_min_ms: 0,
    record_max_ms: maxRecordMs,
    record_idle_timeout_ms: 30 * 60 * 1000,
    record_flush_interval_ms: 5000,
    recorder_src: '',
  };
}

function clamp(value: unknown, fallback: number, min: number, max: number): number {
  const number = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return Math.min(max, Math.max(min, number));
}

/**
 * Merges the options a site passed over the defaults. Unknown options are kept (Mixpanel has
 * many that Reprise accepts and ignores). A number outside its documented range is clamped,
 * and a missing or non-numeric one takes its default.
 */
export function resolveConfig(token: string, options: Partial<RepriseConfig> = {}): ResolvedConfig {
  const defaults = defaultConfig();
  const merged: ResolvedConfig = { ...defaults, ...options, token };
  for (const key of Object.keys(defaults) as (keyof RepriseConfig)[]) {
    if (merged[key] == null) Object.assign(merged, { [key]: defaults[key] });
  }

  merged.api_host = String(merged.api_host).replace(/\/+$/, '');
  merged.batch_flush_interval_ms = clamp(
    merged.batch_flush_interval_ms,
    defaults.batch_flush_interval_ms,
    100,
    3_600_000,
  );
  merged.batch_size = Math.floor(clamp(merged.batch_size, defaults.batch_size, 1, 2000));

  merged.record_sessions_percent = clamp(merged.record_sessions_percent, 0, 0, 100);
  merged.record_min_ms = clamp(merged.record_min_ms, 0, 0, maxRecordMinMs);
  merged.record_max_ms = clamp(merged.record_max_ms, maxRecordMs, 1000, maxRecordMs);
  merged.record_idle_timeout_ms = clamp(
    merged.record_idle_timeout_ms,
    defaults.record_idle_timeout_ms,
    1000,
    maxRecordMs,
  );
  merged.record_flush_interval_ms = clamp(
    merged.record_flush_interval_ms,
    defaults.record_flush_interval_ms,
    100,
    600_000,
  );
  return merged;
}
