import { PeopleIndex } from '../../analytics/people-index.js';
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
  /** Sessions and users derived from events, kept up to date by `analytics`. */
  people: PeopleIndex;
  close(): Promise<void>;
}

export async function openMetadataStore(options: {
  dataDir: string;
  databaseUrl: string | null;
}): Promise<MetadataStore> {
  const connection = await openMetadataConnection(options);
  const people = new PeopleIndex(connection.dialect);
  return {
    connection,
    accounts: new AccountStore(connection.db),
    replays: new ReplayStore(connection),
    analytics: new AnalyticsStore(connection.db, people),
    people,
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
