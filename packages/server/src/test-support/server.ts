import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../config/settings.js';
import { startServer, type RunningServer, type StartOptions } from '../server.js';
import { createTestDatabase } from './postgres.js';

export type TestDatabase = 'sqlite' | 'postgres';

export interface TestServer extends RunningServer {
  token: string;
  apiSecret: string;
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  /** Sends a request to the server with fetch; `path` starts with `/`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Like `request`, with the API secret as `Authorization: Bearer`. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** `Authorization` header value for `/record/` with the project token. */
  recordAuthorization: string;
}

export const testCredentials = {
  token: 'rpt_test_token',
  apiSecret: 'rps_test_secret',
  adminEmail: 'admin@example.com',
  adminPassword: 'correct horse battery',
};

/**
 * Starts a real Reprise server on a free loopback port, with a fresh data folder and a fresh
 * database (SQLite in the folder, or a new PostgreSQL database), known credentials and quiet
 * logs. `close()` stops it and deletes what it created.
 */
export async function startTestServer(
  options: { database?: TestDatabase; settings?: Partial<Settings> } & StartOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reprise-test-'));
  const postgres = options.database === 'postgres' ? await createTestDatabase() : null;
  const settings = loadSettings(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: postgres?.url ?? null,
      projectToken: testCredentials.token,
      apiSecret: testCredentials.apiSecret,
      adminEmail: testCredentials.adminEmail,
      adminPassword: testCredentials.adminPassword,
      importSamples: false,
      logLevel: process.env.REPRISE_TEST_LOG_LEVEL ?? 'silent',
      ...options.settings,
    },
  );

  const server = await startServer(settings, options);
  const request = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  return {
    ...server,
    ...testCredentials,
    dataDir,
    request,
    api: (path, init = {}) =>
      request(path, {
        ...init,
        headers: { Authorization: `Bearer ${testCredentials.apiSecret}`, ...init.headers },
      }),
    recordAuthorization: `Basic ${Buffer.from(`${testCredentials.token}:`).toString('base64')}`,
    close: async () => {
      await server.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
