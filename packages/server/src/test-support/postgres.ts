import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server used by PostgreSQL tests; each test file gets a fresh database on it. */
export const testPostgresUrl =
  process.env.REPRISE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let availability: Promise<string | null> | null = null;

/**
 * Returns null when PostgreSQL answers at `testPostgresUrl`, or why it does not. With
 * CI=true a missing PostgreSQL is an error, so CI never passes by skipping.
 */
export function postgresUnavailableReason(): Promise<string | null> {
  availability ??= (async () => {
    const client = new pg.Client({
      connectionString: testPostgresUrl,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      const reason = `PostgreSQL is not reachable at ${testPostgresUrl} (${(error as Error).message}); set REPRISE_TEST_POSTGRES_URL`;
      if (process.env.CI === 'true') {
        throw new Error(`${reason}. CI=true requires PostgreSQL.`, { cause: error });
      }
      return reason;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/** Creates an empty database for one test file and returns its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `reprise_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
