import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { lateArrivalWindowHours } from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { ClaimLostError, runDeletionRequest, RunStoppedError } from './deletion-job.js';
import {
  DeletionRequestStore,
  type DeletionClaim,
  type DeletionRequestRow,
} from './deletion-store.js';
import { loggableError } from './loggable-error.js';

export interface DeletionWorkerOptions {
  /**
   * Time between two looks for requests, in ms: requests sent to another process, retries
   * that came due, and runs of a stopped process. A request sent to this process starts at once.
   */
  pollMs: number;
  /**
   * Age of the last heartbeat after which a running request counts as abandoned by a stopped
   * process and is claimed again, in ms. A run renews it after every batch. The clocks of
   * the processes must agree to well within this, or one takes over another's live run.
   */
  staleMs: number;
  /** Wait between the two deletion passes of a run, in ms. */
  secondPassDelayMs: number;
  /** Runs of one request before it is marked failed, counting crashed ones. */
  maxAttempts: number;
  /** Wait before the first retry of a failed run, in ms; each later retry waits 4 times longer. */
  retryDelayMs: number;
}

export const defaultDeletionWorkerOptions: DeletionWorkerOptions = {
  pollMs: 10_000,
  staleMs: 5 * 60_000,
  secondPassDelayMs: 1000,
  maxAttempts: 5,
  retryDelayMs: 60_000,
};

const hourMs = 60 * 60 * 1000;

/**
 * Runs deletion requests in this process: at once when `wake()` is called after a request was
 * stored here, and every `pollMs` for the rest. Any number of processes may run one each on a
 * shared database, because a request is claimed by one of them at a time.
 */
export class DeletionWorker {
  readonly store: DeletionRequestStore;
  private readonly options: DeletionWorkerOptions;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wokenWhileRunning = false;

  constructor(
    private readonly context: ServerContext,
    private readonly log: FastifyBaseLogger,
    options: Partial<DeletionWorkerOptions> = {},
  ) {
    this.store = new DeletionRequestStore(context.metadata.connection.db);
    this.options = { ...defaultDeletionWorkerOptions, ...options };
  }

  /** Looks for requests now and then every `pollMs`. */
  start(): void {
    this.log.info({ pollMs: this.options.pollMs }, 'deletion job started');
    this.wake();
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
  }

  /** Starts a look for requests unless one is under way, which then looks once more. */
  wake(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    this.running = this.runPending()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.log.error({ err: loggableError(error) }, 'deletion job failed; retrying at next poll'),
      )
      .finally(() => {
        this.running = null;
        if (this.wokenWhileRunning) {
          this.wokenWhileRunning = false;
          this.wake();
        }
      });
  }

  /** Stops polling, stops the run under way after its current batch, and waits for it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
    this.log.info('deletion job stopped');
  }

  /**
   * Runs claimable requests one after another until none is left; returns how many it ran.
   * First deletes the stored ids whose late-arrival window ended.
   */
  async runPending(): Promise<number> {
    const forgotten = await this.store.deleteExpiredIds(this.context.now());
    if (forgotten > 0) this.log.info({ ids: forgotten }, 'late-arrival windows ended');

    let ran = 0;
    while (!this.stopping.signal.aborted) {
      const now = this.context.now();
      const token = randomBytes(12).toString('hex');
      const row = await this.store.claimNext(now, now - this.options.staleMs, token);
      if (!row) break;
      await this.run(row);
      ran += 1;
    }
    return ran;
  }

  private async run(row: DeletionRequestRow): Promise<void> {
    const claim: DeletionClaim = { id: row.id, projectId: row.project_id, token: row.claim_token! };
    const ids = { requestId: row.id, projectId: row.project_id };
    if (row.attempts > this.options.maxAttempts) {
      const error = `Stopped without finishing in ${this.options.maxAttempts} runs; see the server log`;
      await this.store.finish(claim, this.context.now(), this.outcome('failed', error));
      this.log.error(
        { ...ids, attempts: row.attempts },
        'deletion request failed: runs kept stopping',
      );
      return;
    }

    this.log.info({ ...ids, attempt: row.attempts, idCount: row.id_count }, 'deletion run started');
    const startedAt = Date.now();
    try {
      const counts = await runDeletionRequest(this.context, this.store, row, {
        secondPassDelayMs: this.options.secondPassDelayMs,
        signal: this.stopping.signal,
      });
      if (!(await this.context.metadata.connection.eraseDeletedRows())) {
        this.log.warn(
          ids,
          'deleted rows may stay in the write-ahead log until its next checkpoint',
        );
      }
      const finished = await this.store.finish(claim, this.context.now(), this.outcome('done'));
      if (!finished) throw new ClaimLostError(`Deletion request ${row.id} was claimed again`);
      this.log.info(
        { ...ids, deleted: counts, durationMs: Date.now() - startedAt },
        'deletion request done',
      );
    } catch (error) {
      await this.handleFailure(claim, row, error);
    }
  }

  private async handleFailure(claim: DeletionClaim, row: DeletionRequestRow, error: unknown) {
    const ids = { requestId: row.id, projectId: row.project_id };
    if (error instanceof RunStoppedError) {
      await this.store.release(claim);
      this.log.info(ids, 'deletion run stopped by shutdown; the request is pending again');
      return;
    }
    if (error instanceof ClaimLostError) {
      this.log.warn(ids, 'deletion run stopped: another process resumed the request');
      return;
    }

    const message = error instanceof Error ? error.message : String(error);
    const err = loggableError(error);
    if (row.attempts < this.options.maxAttempts) {
      const retryAt = this.context.now() + this.retryDelayMs(row.attempts);
      await this.store.retryLater(claim, message, retryAt);
      this.log.warn(
        { ...ids, err, attempt: row.attempts, retryAt },
        'deletion run failed; retrying',
      );
      return;
    }
    await this.store.finish(claim, this.context.now(), this.outcome('failed', message));
    this.log.error({ ...ids, err, attempts: row.attempts }, 'deletion request failed');
  }

  private outcome(status: 'done' | 'failed', error: string | null = null) {
    return { status, error, dropUntil: this.context.now() + lateArrivalWindowHours * hourMs };
  }

  private retryDelayMs(attempt: number): number {
    return this.options.retryDelayMs * 4 ** (attempt - 1);
  }
}
