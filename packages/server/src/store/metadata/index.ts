import { AccountStore } from './accounts.js';
import { AnalyticsStore } from './analytics.js';
import { openMetadataConnection, type MetadataConnection } from './connect.js';
import { ReplayStore } from './replays.js';

/** The metadata store: one Kysely connection, SQLite or PostgreSQL, split by concern. */
export interface MetadataStore {
  connection: MetadataConnection;
  accounts: AccountStore;
  replays: ReplayStore;
  analytics: AnalyticsStore;
  close(): Promise<void>;
}

export async function openMetadataStore(options: {
  dataDir: string;
  databaseUrl: string | null;
}): Promise<MetadataStore> {
  const connection = await openMetadataConnection(options);
  return {
    connection,
    accounts: new AccountStore(connection.db),
    replays: new ReplayStore(connection.db, connection.dialect),
    analytics: new AnalyticsStore(connection.db),
    close: () => connection.close(),
  };
}

export type { AccountStore, ProjectRow, MemberRow, InviteRow, ApiKeyRow } from './accounts.js';
export type {
  ReplayStore,
  ReplayRow,
  ChunkRow,
  ReplayFilter,
  ReplayWithProfile,
} from './replays.js';
export type { AnalyticsStore, EventRow, ProfileRow } from './analytics.js';
export { applyPeopleOperations } from './analytics.js';
