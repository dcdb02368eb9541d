import { resolve } from 'node:path';
import { minPasswordLength } from '../auth/passwords.js';
import { ConfigError } from '../errors.js';

const mebibyte = 1024 * 1024;

/** Every setting of a Reprise server. Units are in the names; defaults are in `settingSpecs`. */
export interface Settings {
  /** TCP port the server listens on. */
  port: number;
  /** Address the server binds to. */
  host: string;
  /** URL people use to reach this server, for invite and share links. */
  publicUrl: string | null;
  /** Folder holding the SQLite database and the blob store. */
  dataDir: string;
  /** `postgres://…` to keep metadata in PostgreSQL; empty for SQLite under `dataDir`. */
  databaseUrl: string | null;
  /** Token of the default project, created on first start only. */
  projectToken: string | null;
  /** Email of the first admin, created on first start only. */
  adminEmail: string | null;
  /** Password of the first admin, created on first start only. */
  adminPassword: string | null;
  /** API secret of the default project, created on first start only. */
  apiSecret: string | null;
  /** Days a replay is kept after its first chunk arrives, for projects created from now on. */
  retentionDays: number;
  /** Largest request body accepted by an ingestion route, in bytes as received. */
  maxBodyBytes: number;
  /** Largest `/record/` body after gunzip, enforced while inflating. */
  maxDecompressedBytes: number;
  /** Maximum number of rrweb events in one `/record/` upload. */
  maxEventsPerBatch: number;
  /** Oldest rrweb event timestamp accepted, in days before the server's clock. */
  maxEventAgeDays: number;
  /** Newest rrweb event timestamp accepted, in minutes after the server's clock. */
  maxClockAheadMinutes: number;
  /** Maximum number of analytics events or profile updates in one `/track/`, `/engage/` or `/groups/` request. */
  maxEventsPerRequest: number;
  /** Origins allowed to send ingestion requests with credentials; `*` allows any origin. */
  allowedOrigins: string[];
  /** Days a login stays valid. */
  sessionDays: number;
  /** Whether to import the bundled sample replays into an empty database at start. */
  importSamples: boolean;
  /** Minutes between runs of the retention job. */
  retentionIntervalMinutes: number;
  /** pino log level. */
  logLevel: string;
  /** Whether to trust `X-Forwarded-*` headers from a reverse proxy. */
  trustProxy: boolean;
}

type Parser<T> = (raw: string, name: string) => T;

interface SettingSpec<K extends keyof Settings> {
  key: K;
  env: string;
  defaultValue: Settings[K];
  unit: string;
  description: string;
  parse: Parser<Settings[K]>;
}

function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    // Number('') is 0, which would turn an empty REPRISE_PORT into a random port.
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
}

const text: Parser<string> = (raw) => raw;

/** Optional text with a minimum length and allowed characters, for tokens and secrets. */
function secretText(minLength: number, pattern: RegExp, allowed: string): Parser<string | null> {
  return (raw, name) => {
    const value = raw.trim();
    if (value === '') return null;
    if (value.length < minLength || !pattern.test(value)) {
      throw new ConfigError(
        `${name} must be at least ${minLength} characters of ${allowed}; leave it empty to generate one`,
      );
    }
    return value;
  };
}

const email: Parser<string | null> = (raw, name) => {
  const value = raw.trim();
  if (value === '') return null;
  if (!/^[^\s@]+@[^\s@]+$/.test(value)) {
    throw new ConfigError(
      `${name} must be an email address such as admin@example.com, got "${value}"`,
    );
  }
  return value;
};

/** The admin password as given (spaces kept), at least as long as passwords set in the app. */
const password: Parser<string | null> = (raw, name) => {
  if (raw === '') return null;
  if (raw.length < minPasswordLength) {
    throw new ConfigError(
      `${name} must be at least ${minPasswordLength} characters; leave it empty to generate one`,
    );
  }
  return raw;
};

const publicUrl: Parser<string | null> = (raw, name) => {
  const value = raw.trim();
  if (value === '') return null;
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(value)) {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
};

const flag: Parser<boolean> = (raw, name) => {
  const normalized = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const logLevel: Parser<string> = (raw, name) => {
  const level = raw.trim().toLowerCase();
  if (!logLevels.includes(level)) {
    throw new ConfigError(`${name} must be one of ${logLevels.join(', ')}, got "${raw}"`);
  }
  return level;
};

const originList: Parser<string[]> = (raw, name) => {
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `${name} must list origins such as https://shop.example.com (no path), or *, got "${origin}"`,
      );
    }
  }
  return origins;
};

const databaseUrl: Parser<string | null> = (raw, name) => {
  const value = raw.trim();
  if (value === '') return null;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new ConfigError(`${name} must be a postgres:// URL, or empty for SQLite, got "${value}"`);
  }
  return value;
};

function spec<K extends keyof Settings>(value: SettingSpec<K>): SettingSpec<K> {
  return value;
}

/** The settings table: one row a setting, in the order the README lists them. */
export const settingSpecs = [
  spec({
    key: 'port',
    env: 'REPRISE_PORT',
    defaultValue: 8484,
    unit: 'port',
    description: 'TCP port to listen on.',
    parse: integer(0, 65535),
  }),
  spec({
    key: 'host',
    env: 'REPRISE_HOST',
    defaultValue: '127.0.0.1',
    unit: 'address',
    description: 'Address to bind to; 0.0.0.0 listens on every interface.',
    parse: text,
  }),
  spec({
    key: 'publicUrl',
    env: 'REPRISE_PUBLIC_URL',
    defaultValue: null,
    unit: 'URL',
    description:
      'URL people use to reach this server, used in invite links. Defaults to http://host:port.',
    parse: publicUrl,
  }),
  spec({
    key: 'dataDir',
    env: 'REPRISE_DATA_DIR',
    defaultValue: '.reprise-data',
    unit: 'path',
    description: 'Folder for the SQLite database and the recorded chunks.',
    parse: (raw) => resolve(raw),
  }),
  spec({
    key: 'databaseUrl',
    env: 'REPRISE_DATABASE_URL',
    defaultValue: null,
    unit: 'URL',
    description:
      'A postgres:// URL keeps metadata in PostgreSQL; empty keeps it in SQLite under the data folder.',
    parse: databaseUrl,
  }),
  spec({
    key: 'projectToken',
    env: 'REPRISE_PROJECT_TOKEN',
    defaultValue: null,
    unit: 'text',
    description:
      'Token of the default project, used on first start only. Generated and printed when empty.',
    parse: secretText(8, /^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_"'),
  }),
  spec({
    key: 'adminEmail',
    env: 'REPRISE_ADMIN_EMAIL',
    defaultValue: null,
    unit: 'email',
    description:
      'Email of the first admin, used on first start only. Defaults to admin@reprise.local.',
    parse: email,
  }),
  spec({
    key: 'adminPassword',
    env: 'REPRISE_ADMIN_PASSWORD',
    defaultValue: null,
    unit: 'text',
    description:
      'Password of the first admin, used on first start only. Generated and printed when empty.',
    parse: password,
  }),
  spec({
    key: 'apiSecret',
    env: 'REPRISE_API_SECRET',
    defaultValue: null,
    unit: 'text',
    description:
      'API secret of the default project, used on first start only. Generated and printed when empty.',
    parse: secretText(16, /^[\x21-\x7e]+$/, 'printable characters without spaces'),
  }),
  spec({
    key: 'retentionDays',
    env: 'REPRISE_RETENTION_DAYS',
    defaultValue: 30,
    unit: 'days',
    description:
      'Days a replay is kept after its first chunk arrives, for projects created from then on.',
    parse: integer(1, 3650),
  }),
  spec({
    key: 'maxBodyBytes',
    env: 'REPRISE_MAX_BODY_BYTES',
    defaultValue: 10 * mebibyte,
    unit: 'bytes',
    description:
      'Largest ingestion request body, as received. Larger bodies get 413, and SDKs halve the batch.',
    parse: integer(1024, 1024 * mebibyte),
  }),
  spec({
    key: 'maxDecompressedBytes',
    env: 'REPRISE_MAX_DECOMPRESSED_BYTES',
    defaultValue: 100 * mebibyte,
    unit: 'bytes',
    description:
      'Largest /record/ body after gunzip, enforced while inflating. Larger bodies get 413.',
    parse: integer(1024, 4096 * mebibyte),
  }),
  spec({
    key: 'maxEventsPerBatch',
    env: 'REPRISE_MAX_EVENTS_PER_BATCH',
    defaultValue: 10_000,
    unit: 'rrweb events',
    description:
      'Maximum number of rrweb events in one /record/ upload. More get 413, and SDKs halve the batch.',
    parse: integer(1, 10_000_000),
  }),
  spec({
    key: 'maxEventAgeDays',
    env: 'REPRISE_MAX_EVENT_AGE_DAYS',
    defaultValue: 30,
    unit: 'days',
    description:
      'Oldest rrweb event accepted, in days before the server clock. Older batches get 400.',
    parse: integer(1, 3650),
  }),
  spec({
    key: 'maxClockAheadMinutes',
    env: 'REPRISE_MAX_CLOCK_AHEAD_MINUTES',
    defaultValue: 1440,
    unit: 'minutes',
    description:
      'Newest rrweb event accepted, in minutes after the server clock, for device clocks that run ahead. Newer batches get 400.',
    parse: integer(1, 525_600),
  }),
  spec({
    key: 'maxEventsPerRequest',
    env: 'REPRISE_MAX_EVENTS_PER_REQUEST',
    defaultValue: 2_000,
    unit: 'events',
    description:
      'Maximum number of analytics events or profile updates in one /track/, /engage/ or /groups/ request.',
    parse: integer(1, 1_000_000),
  }),
  spec({
    key: 'allowedOrigins',
    env: 'REPRISE_ALLOWED_ORIGINS',
    defaultValue: ['*'],
    unit: 'origins',
    description:
      'Comma-separated origins whose pages may send data; * allows any. Applies to ingestion routes only.',
    parse: originList,
  }),
  spec({
    key: 'sessionDays',
    env: 'REPRISE_SESSION_DAYS',
    defaultValue: 14,
    unit: 'days',
    description: 'Days a login to the web app stays valid.',
    parse: integer(1, 365),
  }),
  spec({
    key: 'importSamples',
    env: 'REPRISE_IMPORT_SAMPLES',
    defaultValue: true,
    unit: 'boolean',
    description:
      'Import the bundled sample replays into an empty database at start, shifted to end now.',
    parse: flag,
  }),
  spec({
    key: 'retentionIntervalMinutes',
    env: 'REPRISE_RETENTION_INTERVAL_MINUTES',
    defaultValue: 60,
    unit: 'minutes',
    description: 'Minutes between runs of the job that deletes expired replays.',
    parse: integer(1, 10_080),
  }),
  spec({
    key: 'logLevel',
    env: 'REPRISE_LOG_LEVEL',
    defaultValue: 'info',
    unit: 'level',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    parse: logLevel,
  }),
  spec({
    key: 'trustProxy',
    env: 'REPRISE_TRUST_PROXY',
    defaultValue: false,
    unit: 'boolean',
    description:
      'Trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy in front of Reprise.',
    parse: flag,
  }),
] as const;

/**
 * Builds the settings from defaults, then environment variables, then `overrides` (for example
 * command-line flags), in that order of precedence. Raises ConfigError on an invalid value.
 */
export function loadSettings(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Settings> = {},
): Settings {
  const settings: Record<string, unknown> = {};
  for (const setting of settingSpecs) {
    const raw = env[setting.env];
    settings[setting.key] =
      raw === undefined ? setting.defaultValue : setting.parse(raw, setting.env);
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) settings[key] = value;
  }
  const result = settings as unknown as Settings;
  result.dataDir = resolve(result.dataDir);
  return result;
}
