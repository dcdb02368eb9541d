/**
 * Requests and responses of the data lifecycle API: project settings (retention and the SDK
 * settings that `/settings/` serves) and deletion requests. Times are Unix milliseconds.
 */
import { z } from 'zod';
import { maxIdentityLength } from './record.js';

/** Smallest retention a project can have, in days. */
export const minRetentionDays = 1;
/** Largest retention a project can have, in days (about ten years). */
export const maxRetentionDays = 3650;
/** Maximum number of distinct ids in one deletion request. */
export const maxDeletionRequestIds = 2000;
/**
 * Hours after a deletion request finished during which recordings, events and profile updates
 * of its ids are still dropped at ingestion. They are dropped while the request is open too.
 */
export const lateArrivalWindowHours = 24;

/** Limits of the SDK settings, the same as the Reprise SDK applies to its `init` options. */
const maxRecordMs = 24 * 60 * 60 * 1000;
const maxRecordMinMs = 8000;

function integerIn(min: number, max: number) {
  return z
    .number({ message: `must be a number from ${min} to ${max}` })
    .int(`must be an integer from ${min} to ${max}`)
    .min(min, `must be an integer from ${min} to ${max}`)
    .max(max, `must be an integer from ${min} to ${max}`);
}

/**
 * SDK settings of a project, served by `GET /settings/` so that a team can change them
 * without deploying their site. A missing key leaves the SDK's own option as the site set it.
 * Unknown keys are rejected, so a typo never looks saved.
 */
export const sdkConfigSchema = z.strictObject({
  /** Percentage (0 to 100) of replays that are recorded. */
  record_sessions_percent: z
    .number({ message: 'must be a number from 0 to 100' })
    .min(0, 'must be a number from 0 to 100')
    .max(100, 'must be a number from 0 to 100')
    .optional(),
  /** Minimum replay length, in ms; shorter replays are discarded on the device. */
  record_min_ms: integerIn(0, maxRecordMinMs).optional(),
  /** Maximum replay length, in ms; then a new replay starts. */
  record_max_ms: integerIn(1000, maxRecordMs).optional(),
  /** Time without user input after which a replay ends, in ms. */
  record_idle_timeout_ms: integerIn(1000, maxRecordMs).optional(),
});

export type SdkConfig = z.infer<typeof sdkConfigSchema>;

/** Body of `PATCH /api/projects/:id`: the settings to change; the others stay. */
export const projectSettingsInputSchema = z
  .strictObject({
    retentionDays: integerIn(minRetentionDays, maxRetentionDays).optional(),
    /** Replaces the whole SDK settings object. */
    sdkConfig: sdkConfigSchema.optional(),
  })
  .refine((input) => input.retentionDays !== undefined || input.sdkConfig !== undefined, {
    message: 'send retentionDays, sdkConfig or both',
  });

export type ProjectSettingsInput = z.infer<typeof projectSettingsInputSchema>;

/** A project with its lifecycle and SDK settings, as `GET /api/projects/:id` returns it. */
export interface ProjectSettings {
  id: string;
  name: string;
  /** Public write-only token that SDKs send. */
  token: string;
  /**
   * Days a replay is kept after its first chunk arrives. A change applies to replays whose
   * first chunk arrives after it; existing replays keep the expiry day they were given.
   */
  retentionDays: number;
  sdkConfig: SdkConfig;
}

/** Body of `POST /api/deletion-requests`. */
export const deletionRequestInputSchema = z.strictObject({
  distinctIds: z
    .array(
      z
        .string({ message: 'must be text' })
        .min(1, 'must not be empty')
        .max(maxIdentityLength, `must be at most ${maxIdentityLength} characters`),
      { message: 'must be a list of distinct ids' },
    )
    .min(1, 'must list at least one distinct id')
    .max(
      maxDeletionRequestIds,
      `must list at most ${maxDeletionRequestIds} distinct ids; split the request`,
    ),
});

export type DeletionRequestInput = z.infer<typeof deletionRequestInputSchema>;

export type DeletionStatus = 'pending' | 'running' | 'done' | 'failed';

/** Counts of what a deletion request deleted so far; a running request keeps counting. */
export interface DeletionCounts {
  replays: number;
  /** Chunk rows of those replays. */
  chunks: number;
  /** Blob files of those chunks. */
  blobs: number;
  events: number;
  profiles: number;
  /** Rows of the device-to-user map. */
  identities: number;
}

/** A request to delete the data of some users, and how far it got. */
export interface DeletionRequest {
  id: string;
  projectId: string;
  /** Requester: a member's email, or `API secret <key id>`. */
  requestedBy: string;
  /** Member id of the requester, or null when an API secret sent the request. */
  requestedByMemberId: string | null;
  createdAt: number;
  status: DeletionStatus;
  /** Number of distinct ids in the request, after removing duplicates. */
  idCount: number;
  /** The requested ids; in the single-request response only, because they are personal data. */
  distinctIds?: string[];
  /** Ids found through the device-to-user map as well, counted with the requested ones. */
  resolvedIdCount: number;
  counts: DeletionCounts;
  /** Number of times a job claimed the request; more than 1 after a retry or a resumed crash. */
  attempts: number;
  /** Last error, when a run failed; kept while a retry is pending. */
  error: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Until when ingestion drops data of these ids; null while the request is open. */
  dropUntil: number | null;
}

export interface DeletionRequestPage {
  requests: DeletionRequest[];
}
