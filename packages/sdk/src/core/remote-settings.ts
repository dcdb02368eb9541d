import type { ResolvedConfig } from '../config.js';
import { libName, libVersion } from '../version.js';
import type { Logger } from './logger.js';
import type { JsonStore } from './storage.js';

/** Options a project's settings in Reprise may change, with their accepted ranges. */
const remoteOptionRanges = {
  record_sessions_percent: [0, 100],
  record_min_ms: [0, 8000],
  record_max_ms: [0, 24 * 60 * 60 * 1000],
  record_idle_timeout_ms: [0, 24 * 60 * 60 * 1000],
} as const;

type RemoteOption = keyof typeof remoteOptionRanges;
type RemoteOptions = Partial<Record<RemoteOption, number>>;

interface CachedSettings {
  savedAtMs: number;
  options: RemoteOptions;
}

/** Age after which the cached settings are fetched again, in ms. */
export const remoteSettingsMaxAgeMs = 5 * 60 * 1000;
/** Time a settings request may take before it is abandoned, in ms. */
const requestTimeoutMs = 3000;

/** Keeps the options Reprise accepts from a `/settings/` reply, within their ranges. */
export function pickRemoteOptions(config: unknown): RemoteOptions {
  const picked: RemoteOptions = {};
  if (typeof config !== 'object' || config === null) return picked;
  for (const [name, [min, max]] of Object.entries(remoteOptionRanges)) {
    const value = (config as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) {
      picked[name as RemoteOption] = value;
    }
  }
  return picked;
}

/**
 * Project settings from the server's `GET /settings/`, so a team can change sampling in
 * Reprise without deploying its site. The last reply is cached in localStorage and applied at
 * `init` at once; a stale cache is refreshed in the background, so the new values apply to
 * replays that start afterwards. With `remote_settings_mode: 'strict'`, nothing is sampled in
 * until settings have been fetched once.
 */
export class RemoteSettings {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: JsonStore,
    private readonly key: string,
    private readonly log: Logger,
  ) {}

  /** Applies the cached settings to the config; returns whether the cache is fresh. */
  applyCached(nowMs: number): boolean {
    if (this.config.remote_settings_mode === 'disabled') return true;
    const cached = this.store.read<CachedSettings>(this.key);
    if (cached?.options) Object.assign(this.config, pickRemoteOptions(cached.options));
    else if (this.config.remote_settings_mode === 'strict') this.config.record_sessions_percent = 0;
    return cached !== null && nowMs - cached.savedAtMs < remoteSettingsMaxAgeMs;
  }

  /** Fetches the settings and applies them; failures leave the current config. */
  async refresh(): Promise<void> {
    if (this.config.remote_settings_mode === 'disabled') return;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    try {
      // The token goes in the query, so that this GET needs no CORS preflight.
      const query = new URLSearchParams({
        token: this.config.token,
        sdk_config: '1',
        mp_lib: libName,
        $lib_version: libVersion,
      });
      const response = await fetch(`${this.config.api_host}/settings/?${query}`, {
        credentials: 'omit',
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const body = (await response.json()) as { sdk_config?: { config?: unknown } };
      const options = pickRemoteOptions(body.sdk_config?.config);
      this.store.write(this.key, { savedAtMs: Date.now(), options } satisfies CachedSettings);
      Object.assign(this.config, options);
      this.log.debug('remote settings applied', options);
    } catch (error) {
      this.log.debug('remote settings not fetched; keeping the current ones', error);
    } finally {
      clearTimeout(timer);
    }
  }
}
