/**
 * Tables of the metadata store. Times are Unix milliseconds in BIGINT columns; flags are 0 or 1;
 * JSON is text in SQLite and JSONB in PostgreSQL (see `json.ts`).
 */
export interface Database {
  projects: ProjectTable;
  members: MemberTable;
  member_sessions: MemberSessionTable;
  invites: InviteTable;
  api_keys: ApiKeyTable;
  replays: ReplayTable;
  replay_chunks: ReplayChunkTable;
  events: EventTable;
  profiles: ProfileTable;
  identities: IdentityTable;
  group_profiles: GroupProfileTable;
}

export interface ProjectTable {
  id: string;
  name: string;
  token: string;
  retention_days: number;
  /** SDK settings returned by `/settings/`, JSON. */
  sdk_config: string;
  created_at: number;
}

export interface MemberTable {
  id: string;
  email: string;
  /** scrypt hash; null until an invited member sets a password. */
  password_hash: string | null;
  role: 'admin' | 'member';
  created_at: number;
  created_by: string | null;
}

export interface MemberSessionTable {
  /** SHA-256 of the session cookie, hex; the cookie itself is never stored. */
  id_hash: string;
  member_id: string;
  created_at: number;
  expires_at: number;
}

export interface InviteTable {
  token_hash: string;
  email: string;
  role: 'admin' | 'member';
  created_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface ApiKeyTable {
  id: string;
  project_id: string;
  name: string;
  /** SHA-256 of the secret, hex. */
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface ReplayTable {
  project_id: string;
  id: string;
  distinct_id: string | null;
  device_id: string | null;
  user_id: string | null;
  started_at: number;
  ended_at: number;
  duration_ms: number;
  active_ms: number;
  first_url: string | null;
  chunk_count: number;
  event_count: number;
  click_count: number;
  rage_click_count: number;
  error_count: number;
  bytes: number;
  browser: string | null;
  os: string | null;
  /** UTC day, `yyyy-mm-dd`, after which retention deletes the replay; fixed by its first chunk. */
  expires_on: string;
  created_at: number;
  updated_at: number;
}

export interface ReplayChunkTable {
  project_id: string;
  replay_id: string;
  seq: number;
  first_ts: number;
  last_ts: number;
  event_count: number;
  click_count: number;
  rage_click_count: number;
  error_count: number;
  active_ms: number;
  /** Bytes as received and stored. */
  bytes: number;
  decompressed_bytes: number;
  encoding: 'gzip' | 'identity';
  blob_key: string;
  has_full_snapshot: number;
  /** First page URL seen in this chunk (a Meta event, or the upload's `$current_url`). */
  first_url: string | null;
  distinct_id: string | null;
  device_id: string | null;
  user_id: string | null;
  received_at: number;
}

export interface EventTable {
  project_id: string;
  insert_id: string;
  name: string;
  distinct_id: string | null;
  device_id: string | null;
  user_id: string | null;
  time_ms: number;
  replay_id: string | null;
  current_url: string | null;
  properties: string;
  received_at: number;
}

export interface ProfileTable {
  project_id: string;
  distinct_id: string;
  /** `$name`, or `$first_name` and `$last_name`, copied out for search. */
  name: string | null;
  /** `$email`, lowercased, copied out for search. */
  email: string | null;
  properties: string;
  created_at: number;
  updated_at: number;
}

/** Device-to-user map: which user a device id belonged to once `identify` ran. */
export interface IdentityTable {
  project_id: string;
  device_id: string;
  user_id: string;
  created_at: number;
}

export interface GroupProfileTable {
  project_id: string;
  group_key: string;
  group_id: string;
  properties: string;
  updated_at: number;
}
