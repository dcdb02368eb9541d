/**
 * Bodies of Reprise's responses. Ingestion routes keep Mixpanel's shape (`status` 1 or 0 and
 * `error`); the query API under `/api/` uses camelCase fields and Unix milliseconds.
 */

/** Body of every error response, on ingestion and API routes alike. */
export interface ErrorBody {
  status: 0;
  /** What failed, on which value, and what to do. */
  error: string;
  /** Stable machine-readable kind, for example `body_too_large`. */
  code: string;
  /** The field or setting the error is about, when there is one. */
  field?: string;
  /** The limit that was exceeded, in the unit the message names. */
  limit?: number;
}

/** Body of a stored `/record/` upload. */
export interface RecordAcceptedBody {
  status: 1;
  error: null;
  replay_id: string;
  seq: number;
  /** Number of rrweb events stored for this `seq`. */
  events: number;
}

/** A replay's facts, recomputed from its chunks whenever one is stored. */
export interface ReplaySummary {
  id: string;
  projectId: string;
  distinctId: string | null;
  deviceId: string | null;
  userId: string | null;
  /** From the profile of `userId` or `distinctId` (`$name`), when one exists. */
  userName: string | null;
  /** From the profile (`$email`), when one exists. */
  userEmail: string | null;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** Time during which the person was using the page (pointer, keys, scroll). */
  activeMs: number;
  firstUrl: string | null;
  chunkCount: number;
  /** Number of rrweb events, not analytics events. */
  eventCount: number;
  clickCount: number;
  rageClickCount: number;
  errorCount: number;
  /** Analytics events whose `$mp_replay_id` is this replay. */
  analyticsEventCount: number;
  /** Bytes stored, as received (compressed when the SDK compressed). */
  bytes: number;
  browser: string | null;
  os: string | null;
  /** Day (UTC, `yyyy-mm-dd`) after which retention deletes the replay. */
  expiresOn: string;
  /** When the latest chunk arrived. */
  updatedAt: number;
}

export type ReplaySort = 'recent' | 'duration' | 'activity';

export interface ReplayPage {
  replays: ReplaySummary[];
  /** Opaque; pass as `cursor` to get the next page, `null` on the last page. */
  nextCursor: string | null;
}

export interface ChunkInfo {
  seq: number;
  firstTimestamp: number;
  lastTimestamp: number;
  eventCount: number;
  bytes: number;
  encoding: 'gzip' | 'identity';
  hasFullSnapshot: boolean;
  /**
   * Timestamp of the chunk's earliest full snapshot, Unix ms. Null when the chunk has none, and
   * for chunks stored before the server recorded this fact, which may still have one (see
   * `hasFullSnapshot`).
   */
  fullSnapshotTimestamp: number | null;
  receivedAt: number;
}

export interface ChunkList {
  replayId: string;
  chunks: ChunkInfo[];
}

export type MemberRole = 'admin' | 'member';

export interface Member {
  id: string;
  email: string;
  role: MemberRole;
  createdAt: number;
}

export interface Project {
  id: string;
  name: string;
  /** Public write-only token that SDKs send. */
  token: string;
  retentionDays: number;
}

export interface Session {
  member: Member;
  projects: Project[];
}

export interface Invite {
  /** Link that lets the invited teammate set a password; shown once. */
  url: string;
  email: string;
  expiresAt: number;
}
