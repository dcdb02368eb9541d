import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadSettings, settingSpecs } from './settings.js';

function loadError(env: Record<string, string>): ConfigError {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadSettings accepted ${JSON.stringify(env)}`);
}

describe('loadSettings', () => {
  it('applies defaults', () => {
    const settings = loadSettings({});
    expect(settings.port).toBe(8484);
    expect(settings.host).toBe('127.0.0.1');
    expect(settings.dataDir).toBe(resolve('.reprise-data'));
    expect(settings.databaseUrl).toBeNull();
    expect(settings.retentionDays).toBe(30);
    expect(settings.maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(settings.maxDecompressedBytes).toBe(100 * 1024 * 1024);
    expect(settings.maxEventsPerBatch).toBe(10_000);
    expect(settings.maxEventsPerRequest).toBe(2_000);
    expect(settings.allowedOrigins).toEqual(['*']);
    expect(settings.importSamples).toBe(true);
    expect(settings.trustProxy).toBe(false);
    expect(settings.logLevel).toBe('info');
  });

  it('defines every setting once', () => {
    const settings = loadSettings({});
    const keys = settingSpecs.map((spec) => spec.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(settings).sort()).toEqual([...keys].sort());
    expect(new Set(settingSpecs.map((spec) => spec.env)).size).toBe(keys.length);
  });

  it('reads environment variables', () => {
    const settings = loadSettings({
      REPRISE_PORT: '9000',
      REPRISE_HOST: '0.0.0.0',
      REPRISE_DATA_DIR: 'some/dir',
      REPRISE_DATABASE_URL: 'postgres://user@db:5432/reprise',
      REPRISE_RETENTION_DAYS: '7',
      REPRISE_MAX_BODY_BYTES: '2048',
      REPRISE_ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080,',
      REPRISE_IMPORT_SAMPLES: 'no',
      REPRISE_TRUST_PROXY: 'TRUE',
      REPRISE_PUBLIC_URL: ' https://replays.example ',
      REPRISE_LOG_LEVEL: 'warn',
    });
    expect(settings.port).toBe(9000);
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.dataDir).toBe(resolve('some/dir'));
    expect(settings.databaseUrl).toBe('postgres://user@db:5432/reprise');
    expect(settings.retentionDays).toBe(7);
    expect(settings.maxBodyBytes).toBe(2048);
    expect(settings.allowedOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(settings.importSamples).toBe(false);
    expect(settings.trustProxy).toBe(true);
    expect(settings.publicUrl).toBe('https://replays.example');
    expect(settings.logLevel).toBe('warn');
  });

  it('reads empty optional text as null', () => {
    const settings = loadSettings({ REPRISE_PROJECT_TOKEN: '  ', REPRISE_DATABASE_URL: '' });
    expect(settings.projectToken).toBeNull();
    expect(settings.databaseUrl).toBeNull();
  });

  it('overrides win over environment', () => {
    const settings = loadSettings({ REPRISE_PORT: '9000' }, { port: 9100, host: undefined });
    expect(settings.port).toBe(9100);
    expect(settings.host).toBe('127.0.0.1');
  });

  it.each([
    ['REPRISE_PORT', '65536'],
    ['REPRISE_PORT', 'http'],
    ['REPRISE_PORT', '80.5'],
    ['REPRISE_PORT', ''],
    ['REPRISE_RETENTION_DAYS', '0'],
    ['REPRISE_MAX_BODY_BYTES', '100'],
    ['REPRISE_MAX_DECOMPRESSED_BYTES', '-1'],
    ['REPRISE_MAX_EVENTS_PER_BATCH', '0'],
    ['REPRISE_MAX_EVENTS_PER_REQUEST', 'lots'],
    ['REPRISE_SESSION_DAYS', '366'],
    ['REPRISE_RETENTION_INTERVAL_MINUTES', '0'],
    ['REPRISE_IMPORT_SAMPLES', 'maybe'],
    ['REPRISE_TRUST_PROXY', '2'],
    ['REPRISE_ALLOWED_ORIGINS', 'https://shop.example/path'],
    ['REPRISE_ALLOWED_ORIGINS', 'shop.example'],
    ['REPRISE_DATABASE_URL', 'mysql://db/reprise'],
    ['REPRISE_LOG_LEVEL', 'loud'],
    ['REPRISE_ADMIN_EMAIL', 'admin'],
    ['REPRISE_PUBLIC_URL', 'ftp://replays.example'],
  ])('rejects %s=%j', (name, value) => {
    const error = loadError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
    expect(error.message).toContain(value === '' ? '""' : value);
  });

  it.each([
    ['REPRISE_ADMIN_PASSWORD', 'short'],
    ['REPRISE_API_SECRET', 'x'],
    ['REPRISE_API_SECRET', 'has a space in it!!'],
    ['REPRISE_PROJECT_TOKEN', 'zq'],
    ['REPRISE_PROJECT_TOKEN', 'token/with/slashes'],
  ])('rejects secret %s without echoing it', (name, value) => {
    const error = loadError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(value);
  });

  it('keeps spaces in the admin password', () => {
    const settings = loadSettings({ REPRISE_ADMIN_PASSWORD: ' correct horse ' });
    expect(settings.adminPassword).toBe(' correct horse ');
  });
});
