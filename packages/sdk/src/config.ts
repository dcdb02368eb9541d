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
   * CSS selector (or list of selectors) of elements whose text is masked: each character of a
   * text node or a text attribute (`placeholder`, `title`, `alt`, `aria-label` and the like)
   * becomes `*`, and whitespace stays. Default: `"*"`, all text. A selector passed without
   * `record_mask_all_text` turns masking of all text off, as in mixpanel-browser, so `""` records
   * all text and `".secret"` masks only what it matches. `"*"` always means all text. See
   * `record_unmask_text_selector` for which rule wins where both match.
   */
  record_mask_text_selector: string | string[];
  /**
   * CSS selector (or list) of elements whose text is recorded as is. Where a mask and an unmask
   * selector both apply, the element nearest to the text that matches one of them decides, and
   * an element matching both masks. The mask classes (`mp-mask`, `fs-mask`, `amp-mask`,
   * `rr-mask`, `ph-mask`) mask their whole subtree whatever this matches. Default: none.
   */
  record_unmask_text_selector: string | string[];
  /**
   * Masks all text except what `record_unmask_text_selector` matches; mixpanel-browser's newer
   * name for `record_mask_text_selector: "*"`. `false` masks only what
   * `record_mask_text_selector` and the mask classes match. Default: true, unless
   * `record_mask_text_selector` is passed without this option.
   */
  record_mask_all_text: boolean;
  /**
   * CSS selector (or list) of fields whose values are masked: inputs, textareas, selects, and
   * contenteditable elements. It masks more only where it beats a farther
   * `record_unmask_input_selector` match, or when `record_mask_all_inputs` is false, because all
   * values are masked by default. Unlike the text selector, passing it alone keeps all inputs
   * masked, as mixpanel-browser does. Default: `"*"` while `record_mask_all_inputs` is on,
   * otherwise none.
   */
  record_mask_input_selector: string | string[];
  /**
   * CSS selector (or list) of fields whose values are recorded as is, decided like the text
   * selectors: nearest match wins, both masks. It never unmasks a sensitive field. Those are
   * password, email, tel and hidden inputs (also once a script changed a password input's
   * type), fields with an `autocomplete` other than `off`, and fields whose name or id looks
   * like a password, card number, card security code, expiry date, social security number, PIN
   * or one-time code. Nor does it unmask fields inside a mask class. Default: none.
   */
  record_unmask_input_selector: string | string[];
  /**
   * Masks every field value, including checkbox and radio states, except what
   * `record_unmask_input_selector` matches. `false` masks only what
   * `record_mask_input_selector` and the mask classes match, plus the sensitive fields.
   * Default: true.
   */
  record_mask_all_inputs: boolean;
  /**
   * CSS selector of elements replaced by an empty box of their size. Nothing inside is recorded;
   * clicks on them still are, and the box follows the element's later size changes. Default:
   * `"img, video, audio"`. With `""`, only the block classes block.
   */
  record_block_selector: string;
  /**
   * Class name, or pattern tested against each class name, of elements to block like
   * `record_block_selector`. `mp-block` blocks in any case. Default: a pattern that matches
   * `mp-block`, `fs-exclude`, `amp-block`, `rr-block` and `ph-no-capture`.
   */
  record_block_class: string | RegExp;
  /**
   * Records the fonts that the page adds through the `FontFace` API (their URL, or their data
   * when loaded from a buffer), so that the replay renders them. Fonts declared in stylesheets
   * are replayed from the stylesheet either way. Default: false.
   */
  record_collect_fonts: boolean;
  /**
   * Records the pixels of `<canvas>` elements as WebP images, at most 15 frames per second.
   * Pixels cannot be masked, so text drawn on a canvas is recorded as drawn: block such a
   * canvas with `record_block_selector` or a block class. Default: false.
   */
  record_canvas: boolean;
  /**
   * Minimum replay length, in ms: nothing of a replay is sent before it is this long, and a
   * replay that ends shorter is discarded. Default: 0. Capped at 8000.
   */
  record_min_ms: number;
  /**
   * Maximum replay length, in ms. When it is reached, the replay ends and a new one (new
   * `$mp_replay_id`, same sampling decision) starts at once. Default and cap: 24 h. Minimum: 1000.
   */
  record_max_ms: number;
  /**
   * Time without user input (pointer, keys, scroll, resize, input), in ms, after which the
   * replay ends. The next input starts a new replay. A paused replay does not idle out while
   * its page stays open. Default: 30 min. Minimum: 1000.
   */
  record_idle_timeout_ms: number;
  /**
   * Time between two `/record/` uploads, in ms. A batch also goes when 1000 rrweb events are
   * queued, and the first batch of a page (with its full snapshot) goes at once. Default: 5000.
   */
  record_flush_interval_ms: number;
  /**
   * Delay, in ms, after a click, key press, scroll or other discrete user action before the
   * queued events go, so that a teammate can watch the action within seconds. While the user
   * keeps acting, that is at most one upload per delay. 0 sends on `record_flush_interval_ms`
   * only. Default: 1000.
   */
  record_action_flush_ms: number;
  /**
   * Time after which the recorder takes a fresh full snapshot, in ms, at the next recorded
   * change, so that the player can start at any moment from the nearest snapshot. 0 records
   * one full snapshot per page load only. Default: 300000 (5 min). Minimum: 1000.
   */
  record_full_snapshot_interval_ms: number;
  /**
   * URL of `reprise-recorder.js` for the script-tag build. Default: next to `reprise.js`. The
   * ES module build always imports `recorder.mjs` from its own folder.
   */
  recorder_src: string;
  /**
   * Whether to take project settings from Reprise's `GET /settings/` (`record_sessions_percent`,
   * `record_min_ms`, `record_max_ms`, `record_idle_timeout_ms`), which then win over these
   * options. `'fallback'` uses them when fetched and these options otherwise. `'strict'`
   * samples nothing in until they have been fetched once. `'disabled'` never requests them.
   * The last reply is cached for 5 minutes, so a change reaches replays that start after that.
   * Default: `'fallback'`.
   */
  remote_settings_mode: 'fallback' | 'strict' | 'disabled';
}

/** Options whose value may be one CSS selector or a list of them. */
type SelectorOption =
  | 'record_mask_text_selector'
  | 'record_unmask_text_selector'
  | 'record_mask_input_selector'
  | 'record_unmask_input_selector';

/** The options after `resolveConfig`: every default applied, selector lists joined. */
export type ResolvedConfig = Omit<RepriseConfig, SelectorOption> &
  Record<SelectorOption, string> & { token: string };

export const maxRecordMs = 24 * 60 * 60 * 1000;
export const maxRecordMinMs = 8000;

/** Default `record_block_selector`, as in mixpanel-browser. */
export const defaultBlockSelector = 'img, video, audio';

/** mixpanel-browser's default `record_block_class`: the block classes of common replay tools. */
export const defaultBlockClass = /^(mp-block|fs-exclude|amp-block|rr-block|ph-no-capture)$/;

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
    record_mask_all_text: true,
    record_mask_input_selector: '*',
    record_unmask_input_selector: '',
    record_mask_all_inputs: true,
    record_block_selector: defaultBlockSelector,
    record_block_class: defaultBlockClass,
    record_collect_fonts: false,
    record_canvas: false,
    record_min_ms: 0,
    record_max_ms: maxRecordMs,
    record_idle_timeout_ms: 30 * 60 * 1000,
    record_flush_interval_ms: 5000,
    record_action_flush_ms: 1000,
    record_full_snapshot_interval_ms: 5 * 60 * 1000,
    recorder_src: '',
    remote_settings_mode: 'fallback',
  };
}

/** Joins a selector list into one selector; returns undefined for a missing or invalid value. */
function selectorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (!Array.isArray(value)) return undefined;
  const parts = value.filter((part) => typeof part === 'string' && part.trim() !== '');
  return parts.map((part: string) => part.trim()).join(', ');
}

/**
 * Resolves the six masking options together, because they depend on each other as documented
 * on each: `"*"` means all, and a text mask selector passed alone turns masking of all text off.
 * A value of the wrong type counts as not passed, so it never loosens masking.
 */
function resolveMasking(options: Partial<RepriseConfig>) {
  const textSelector = selectorText(options.record_mask_text_selector);
  const allText = options.record_mask_all_text;
  const maskAllText =
    textSelector === '*' || (typeof allText === 'boolean' ? allText : textSelector === undefined);
  const inputSelector = selectorText(options.record_mask_input_selector);
  const maskAllInputs = inputSelector === '*' || options.record_mask_all_inputs !== false;
  return {
    record_mask_all_text: maskAllText,
    record_mask_text_selector: textSelector ?? (maskAllText ? '*' : ''),
    record_unmask_text_selector: selectorText(options.record_unmask_text_selector) ?? '',
    record_mask_all_inputs: maskAllInputs,
    record_mask_input_selector: inputSelector ?? (maskAllInputs ? '*' : ''),
    record_unmask_input_selector: selectorText(options.record_unmask_input_selector) ?? '',
  };
}

function isBlockClass(value: unknown): value is string | RegExp {
  return value instanceof RegExp || (typeof value === 'string' && value.trim() !== '');
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
  const merged = { ...defaults, ...options, token } as ResolvedConfig;
  for (const key of Object.keys(defaults) as (keyof RepriseConfig)[]) {
    if (merged[key] == null) Object.assign(merged, { [key]: defaults[key] });
  }
  Object.assign(merged, resolveMasking(options));
  if (!isBlockClass(merged.record_block_class)) merged.record_block_class = defaultBlockClass;
  if (typeof merged.record_block_selector !== 'string') {
    merged.record_block_selector = defaults.record_block_selector;
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
  merged.record_action_flush_ms = clamp(
    merged.record_action_flush_ms,
    defaults.record_action_flush_ms,
    0,
    600_000,
  );
  const snapshotMs = clamp(
    merged.record_full_snapshot_interval_ms,
    defaults.record_full_snapshot_interval_ms,
    0,
    maxRecordMs,
  );
  merged.record_full_snapshot_interval_ms = snapshotMs > 0 ? Math.max(1000, snapshotMs) : 0;
  if (!['fallback', 'strict', 'disabled'].includes(merged.remote_settings_mode)) {
    merged.remote_settings_mode = defaults.remote_settings_mode;
  }
  return merged;
}
