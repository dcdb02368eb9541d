import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { SharedFileSync } from '../../util/file-sync.js';
import { CodeMigrationProvider, type Dialect } from './migrations.js';
import type { Database } from './schema.js';

export interface MetadataConnection {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Runs `write` in a transaction and returns its result once it committed, with `durable`,
   * which resolves once the commit is on disk. On SQLite the commit leaves its fsync to
   * `durable`, so the event loop does not wait for the disk and commits in a row share one
   * fsync. On PostgreSQL the server makes the commit durable before it returns.
   */
  transactionWithDeferredSync<T>(
    write: (trx: Kysely<Database>) => Promise<T>,
  ): Promise<{ result: T; durable: Promise<void> }>;
  /**
   * Removes what deleted rows left in the database's files, after a deletion request. On SQLite,
   * `secure_delete` has already zeroed them in the pages, and this moves the write-ahead log into
   * the database file and empties it, where the old page versions were. Returns false when the
   * log could not be emptied because a reader still used it.
   * NOTE: on PostgreSQL this does nothing: deleted rows stay in the table files until VACUUM
   * makes their space reusable and later writes overwrite it.
   */
  eraseDeletedRows(): Promise<boolean>;
  close(): Promise<void>;
}

const int8Oid = 20;
const numericOid = 1700;

/**
 * Opens PostgreSQL when `databaseUrl` is a postgres:// URL, otherwise SQLite at
 * `<dataDir>/reprise.db`, and applies pending migrations before returning.
 */
export async function openMetadataConnection(options: {
  dataDir: string;
  databaseUrl: string | null;
}): Promise<MetadataConnection> {
  const connection = options.databaseUrl
    ? openPostgres(options.databaseUrl)
    : openSqlite(options.dataDir);
  try {
    await migrate(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

function openSqlite(dataDir: string): MetadataConnection {
  // Recordings and profiles are personal data: only the server's user may read them. SQLite
  // creates its -wal and -shm files with the database file's permissions.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'reprise.db');
  const database = new BetterSqlite3(file);
  chmodSync(file, 0o600);
  // WAL lets the API read while ingestion writes; FULL makes every commit durable before the
  // SDK gets its 200.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // A user's deleted data must not stay readable in the file: SQLite zeroes deleted content.
  database.pragma('secure_delete = ON');
  // SQLite's own lower() folds ASCII letters only. The replay search compares lower(name) with
  // a pattern lowercased in JavaScript, so both sides must fold "É" the same way.
  database.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  const walSync = new SharedFileSync(`${file}-wal`);
  const folderSync = new SharedFileSync(dataDir);
  let folderSynced: Promise<void> | undefined;
  const syncWal = async () => {
    await walSync.sync();
    // The -wal file's folder entry must be on disk too. Once is enough, because SQLite deletes
    // and creates that file only when the database is closed and opened.
    folderSynced ??= folderSync.sync();
    await folderSynced;
  };
  return {
    db,
    dialect: 'sqlite',
    transactionWithDeferredSync: async (write) => {
      // Kysely has one SQLite connection, held here until the setting is back to FULL, so no
      // other transaction commits without its fsync.
      const result = await db.connection().execute(async (connection) => {
        await sql`pragma synchronous = normal`.execute(connection);
        try {
          return await connection.transaction().execute(write);
        } finally {
          await sql`pragma synchronous = full`.execute(connection);
        }
      });
      // With synchronous = NORMAL in WAL mode, SQLite writes the commit's frames to the -wal
      // file without an fsync. An fsync of that file puts them on disk, as FULL would have.
      return { result, durable: syncWal() };
    },
    eraseDeletedRows: async () => {
      const [status] = database.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      return status?.busy === 0;
    },
    close: async () => {
      await Promise.all([walSync.close(), folderSync.close()]);
      await db.destroy();
    },
  };
}

/** Number of compiled SQLite statements kept for reuse. */
const cachedStatements = 500;

/**
 * Reuses compiled statements, least recently used out first. Kysely has SQLite compile
 * every query again, and ingestion runs the same dozen queries for every chunk. Statements are
 * run to completion one at a time (the server never streams rows), so sharing one is safe.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= cachedStatements) {
          statements.delete(statements.keys().next().value!);
        }
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

function openPostgres(url: string): MetadataConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // BIGINT columns hold Unix milliseconds and byte counts, which fit in a double.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        if (oid === int8Oid || oid === numericOid) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format);
      },
    },
  });
  // An idle connection that the server closes (a restart, a dropped database) emits an error
  // on the pool; pg then discards that connection, and the next query opens a new one or
  // fails with the cause. Without a listener the error would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    transactionWithDeferredSync: async (write) => ({
      result: await db.transaction().execute(write),
      durable: Promise.resolve(),
    }),
    eraseDeletedRows: async () => true,
    close: () => db.destroy(),
  };
}

async function migrate(connection: MetadataConnection): Promise<void> {
  const migrator = new Migrator({
    db: connection.db,
    provider: new CodeMigrationProvider(connection.dialect),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    const name = failed ? ` ${failed.migrationName}` : '';
    throw new Error(`Database migration${name} failed: ${String(error)}`, { cause: error });
  }
}
