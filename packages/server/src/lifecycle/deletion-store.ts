import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { DeletionCounts } from '@reprise/protocol';
import type { Database, DeletionRequestTable } from '../store/metadata/schema.js';
import { splitIntoParts } from '../util/parts.js';
import { compiledQueriesOf } from '../store/metadata/compiled-queries.js';

export type DeletionRequestRow = Selectable<DeletionRequestTable>;

/** Fields of a new request; the store fills in its status and counts. */
export interface NewDeletionRequest {
  id: string;
  projectId: string;
  requestedBy: string;
  requestedByMemberId: string | null;
  requestedByApiKeyId: string | null;
  /** Without duplicates. */
  distinctIds: string[];
  createdAt: number;
}

/** A request that one job run holds. Changes made with an older `token` are ignored. */
export interface DeletionClaim {
  id: string;
  projectId: string;
  token: string;
}

/** Outcome of a run. */
export interface DeletionOutcome {
  status: 'done' | 'failed';
  error: string | null;
  /** End of the late-arrival window. */
  dropUntil: number;
}

const countColumns = {
  replays: 'deleted_replays',
  chunks: 'deleted_chunks',
  blobs: 'deleted_blobs',
  events: 'deleted_events',
  profiles: 'deleted_profiles',
  identities: 'deleted_identities',
} as const;

/** Rows per INSERT and ids per `in (...)` list. */
const partSize = 500;

type RequestExpressions = ExpressionBuilder<Database, 'deletion_requests'>;

/**
 * Builds the condition that a request may be claimed: pending and past its retry time, or
 * running with a heartbeat older than `staleBefore`, which means the process that ran it stopped.
 */
function isClaimable(eb: RequestExpressions, now: number, staleBefore: number) {
  return eb.or([
    eb.and([
      eb('status', '=', 'pending'),
      eb.or([eb('retry_at', 'is', null), eb('retry_at', '<=', now)]),
    ]),
    eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)]),
  ]);
}

/** Deletion requests, their claims by job runs, and the ids that ingestion drops. */
export class DeletionRequestStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a pending request and its ids, so ingestion drops their data from now on. */
  async create(request: NewDeletionRequest): Promise<DeletionRequestRow> {
    const row = {
      id: request.id,
      project_id: request.projectId,
      requested_by: request.requestedBy,
      requested_by_member_id: request.requestedByMemberId,
      requested_by_api_key_id: request.requestedByApiKeyId,
      distinct_ids: JSON.stringify(request.distinctIds),
      id_count: request.distinctIds.length,
      resolved_id_count: request.distinctIds.length,
      status: 'pending' as const,
      error: null,
      attempts: 0,
      claim_token: null,
      heartbeat_at: null,
      retry_at: null,
      created_at: request.createdAt,
      started_at: null,
      finished_at: null,
      drop_until: null,
      deleted_replays: 0,
      deleted_chunks: 0,
      deleted_blobs: 0,
      deleted_events: 0,
      deleted_profiles: 0,
      deleted_identities: 0,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('deletion_requests').values(row).execute();
      for (const part of splitIntoParts(request.distinctIds, partSize)) {
        const values = part.map((id) => ({
          request_id: request.id,
          project_id: request.projectId,
          id,
          drop_until: null,
        }));
        await trx.insertInto('deletion_request_ids').values(values).execute();
      }
    });
    return row;
  }

  /** Returns a project's requests, newest first. */
  async list(projectId: string, limit: number): Promise<DeletionRequestRow[]> {
    return this.db
      .selectFrom('deletion_requests')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async get(projectId: string, id: string): Promise<DeletionRequestRow | undefined> {
    return this.db
      .selectFrom('deletion_requests')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Returns the ids stored for a request: the requested ones and those resolved so far. */
  async listIds(requestId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('deletion_request_ids')
      .select('id')
      .where('request_id', '=', requestId)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Claims the oldest claimable request for the run with `token`, and returns it. The
   * UPDATE repeats the claimable condition, so when several processes pick the same request,
   * the database lets one UPDATE change the row and the others change nothing.
   */
  async claimNext(
    now: number,
    staleBefore: number,
    token: string,
  ): Promise<DeletionRequestRow | undefined> {
    const candidates = await this.db
      .selectFrom('deletion_requests')
      .select('id')
      .where((eb) => isClaimable(eb, now, staleBefore))
      .orderBy('created_at')
      .limit(10)
      .execute();
    for (const { id } of candidates) {
      const result = await this.db
        .updateTable('deletion_requests')
        .set((eb) => ({
          status: 'running',
          claim_token: token,
          heartbeat_at: now,
          retry_at: null,
          attempts: eb('attempts', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
        }))
        .where('id', '=', id)
        .where((eb) => isClaimable(eb, now, staleBefore))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) {
        return this.db
          .selectFrom('deletion_requests')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
      }
    }
    return undefined;
  }

  /**
   * Adds deleted counts and renews the heartbeat. Returns false when the claim is no longer
   * held, because another process resumed the request after this run's heartbeat went stale.
   */
  async recordProgress(
    claim: DeletionClaim,
    now: number,
    counts: Partial<DeletionCounts> = {},
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('deletion_requests')
      .set((eb) => {
        const changes: Record<string, unknown> = { heartbeat_at: now };
        for (const [name, column] of Object.entries(countColumns)) {
          const added = counts[name as keyof DeletionCounts] ?? 0;
          if (added > 0) changes[column] = eb(column, '+', added);
        }
        return changes;
      })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Stores ids found for a request, so ingestion drops their data too; returns the total. */
  async addIds(claim: DeletionClaim, ids: readonly string[]): Promise<number> {
    for (const part of splitIntoParts(ids, partSize)) {
      const values = part.map((id) => ({
        request_id: claim.id,
        project_id: claim.projectId,
        id,
        drop_until: null,
      }));
      await this.db
        .insertInto('deletion_request_ids')
        .values(values)
        .onConflict((oc) => oc.columns(['request_id', 'id']).doNothing())
        .execute();
    }
    const { total } = await this.db
      .selectFrom('deletion_request_ids')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('request_id', '=', claim.id)
      .executeTakeFirstOrThrow();
    await this.db
      .updateTable('deletion_requests')
      .set({ resolved_id_count: Number(total) })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .execute();
    return Number(total);
  }

  /** Ends a run: `done` or `failed`, and starts the late-arrival window of its ids. */
  async finish(claim: DeletionClaim, now: number, outcome: DeletionOutcome): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('deletion_requests')
        .set({
          status: outcome.status,
          error: outcome.error,
          finished_at: now,
          drop_until: outcome.dropUntil,
          claim_token: null,
          heartbeat_at: null,
        })
        .where('id', '=', claim.id)
        .where('claim_token', '=', claim.token)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await trx
        .updateTable('deletion_request_ids')
        .set({ drop_until: outcome.dropUntil })
        .where('request_id', '=', claim.id)
        .execute();
      return true;
    });
  }

  /** Puts a request whose run failed back to pending, to be claimed again from `retryAt`. */
  async retryLater(claim: DeletionClaim, error: string, retryAt: number): Promise<void> {
    await this.db
      .updateTable('deletion_requests')
      .set({ status: 'pending', error, retry_at: retryAt, claim_token: null, heartbeat_at: null })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .execute();
  }

  /**
   * Gives a request back after a shutdown stopped its run, so that another process resumes it
   * at once. The interrupted run does not count as an attempt.
   */
  async release(claim: DeletionClaim): Promise<void> {
    await this.db
      .updateTable('deletion_requests')
      .set((eb) => ({
        status: 'pending',
        claim_token: null,
        heartbeat_at: null,
        attempts: eb('attempts', '-', 1),
      }))
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .execute();
  }

  /**
   * Returns which of `ids` ingestion must drop at `now`, and the requests that name them:
   * ids of open requests, and of requests whose late-arrival window has not ended.
   */
  async findDroppedIds(
    projectId: string,
    ids: readonly string[],
    now: number,
  ): Promise<{ ids: Set<string>; requestIds: Set<string> }> {
    const found = { ids: new Set<string>(), requestIds: new Set<string>() };
    for (const part of splitIntoParts([...new Set(ids)], partSize)) {
      // Ingestion runs this for every upload, so its SQL is compiled once per list length.
      const query = compiledQueriesOf(this.db).query(
        `dropped ids ${part.length}`,
        [projectId, ...part, now],
        () =>
          this.db
            .selectFrom('deletion_request_ids')
            .select(['id', 'request_id'])
            .where('project_id', '=', projectId)
            .where('id', 'in', part)
            .where((eb) => eb.or([eb('drop_until', 'is', null), eb('drop_until', '>', now)])),
      );
      const { rows } = await this.db.executeQuery(query);
      for (const row of rows) {
        found.ids.add(row.id);
        found.requestIds.add(row.request_id);
      }
    }
    return found;
  }

  /** Deletes the stored ids whose late-arrival window ended; returns how many went. */
  async deleteExpiredIds(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('deletion_request_ids')
      .where('drop_until', 'is not', null)
      .where('drop_until', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
