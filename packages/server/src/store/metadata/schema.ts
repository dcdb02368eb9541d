import type { Generated } from 'kysely';

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
  user_sessions: UserSessionTable;
  analytics_users: AnalyticsUserTable;
  deletion_requests: DeletionRequestTable;
  deletion_request_ids: DeletionRequestIdTable;
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
  /** Sum of the chunks' `active_ms`, which `active_ms` caps at the duration. */
  chunk_active_ms: Generated<number>;
  /** Seq of the chunk that `first_url` comes from, null while no chunk has a URL. */
  first_url_seq: number | null;
  /** Seq of the chunk that `device_id` comes from. */
  device_id_seq: number | null;
  /** Seq of the chunk that `user_id` comes from. */
  user_id_seq: number | null;
  /** Seq of the chunk that `distinct_id` comes from. */
  distinct_id_seq: number | null;
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
  /**
   * Timestamp of the chunk's earliest full snapshot. Null without one, and for chunks stored
   * before `0004-snapshot-time`.
   */
  full_snapshot_ts: number | null;
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

/**
 * Sessions of each user, kept up to date when events or identities are stored: a gap of 30
 * minutes or more between two events of a user starts a new session.
 */
export interface UserSessionTable {
  project_id: string;
  /** Canonical user id: the user id of the event or of its device, else its distinct id. */
  person_id: string;
  /** Time of the session's first event. */
  start_ms: number;
  /** Time of the session's last event. */
  end_ms: number;
}

/** Each canonical user seen in events, with the times of their first and last event. */
export interface AnalyticsUserTable {
  project_id: string;
  person_id: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/** A request to delete the data of some users of a project, and the progress of its job. */
export interface DeletionRequestTable {
  id: string;
  project_id: string;
  /** A member's email, or `API secret <key id>`. */
  requested_by: string;
  requested_by_member_id: string | null;
  requested_by_api_key_id: string | null;
  /** The requested distinct ids, without duplicates: a JSON array in a TEXT column. */
  distinct_ids: string;
  id_count: number;
  /** Requested ids plus those found through `identities`, once a run resolved them. */
  resolved_id_count: number;
  status: 'pending' | 'running' | 'done' | 'failed';
  error: string | null;
  /** Number of claims so far. */
  attempts: number;
  /** Random value of the current claim; progress updates of an older claim change nothing. */
  claim_token: string | null;
  /** Last sign of life of the running job; a stale one lets another process resume. */
  heartbeat_at: number | null;
  /** Earliest time a pending request may be claimed again after a failed attempt. */
  retry_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** End of the late-arrival window; null while the request is open. */
  drop_until: number | null;
  deleted_replays: number;
  deleted_chunks: number;
  deleted_blobs: number;
  deleted_events: number;
  deleted_profiles: number;
  deleted_identities: number;
}

/**
 * Ids whose incoming data ingestion drops: the ids of a deletion request and those resolved
 * from them. Each row is deleted once its `drop_until` has passed, because ids are personal data.
 */
export interface DeletionRequestIdTable {
  request_id: string;
  project_id: string;
  /** A distinct id, device id or user id. */
  id: string;
  /** The request's `drop_until`, copied here so that ingestion reads one table. */
  drop_until: number | null;
}
