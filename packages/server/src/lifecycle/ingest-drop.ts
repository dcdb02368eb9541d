import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../context.js';
import type { ProjectRow } from '../store/metadata/index.js';
import { DeletionRequestStore } from './deletion-store.js';

/** Kind of incoming data that ingestion drops, named as in the logs. */
export type DroppedKind = 'chunks' | 'events' | 'profileUpdates';

/** Time between two log lines about drops for the same deletion request, in ms. */
const dropLogIntervalMs = 60_000;

interface DropTally {
  lastLoggedAt: number;
  pending: Partial<Record<DroppedKind, number>>;
}

/**
 * Drop counts per deletion request in this process, logged on the first drop and then at most
 * once per `dropLogIntervalMs`, because a deleted user who keeps using a site sends an upload
 * every few seconds. Logs carry counts and request ids only: the ids are personal data.
 */
const tallies = new Map<string, DropTally>();

function noteDrops(
  log: FastifyBaseLogger,
  now: number,
  projectId: string,
  requestIds: Set<string>,
  kind: DroppedKind,
  count: number,
): void {
  if (tallies.size > 10_000) tallies.clear();
  for (const requestId of requestIds) {
    const tally = tallies.get(requestId) ?? { lastLoggedAt: -Infinity, pending: {} };
    tally.pending[kind] = (tally.pending[kind] ?? 0) + count;
    tallies.set(requestId, tally);
    if (now - tally.lastLoggedAt < dropLogIntervalMs) continue;
    log.info(
      { projectId, deletionRequestId: requestId, dropped: tally.pending },
      'dropped incoming data of ids under deletion',
    );
    tally.lastLoggedAt = now;
    tally.pending = {};
  }
}

function presentIds(values: readonly unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string' && value !== '');
}

/**
 * Returns whether ingestion must drop one upload because one of its ids (distinct, device or
 * user id) is under deletion: named by an open request, or by one that finished less than the
 * late-arrival window ago. The caller still replies 200, so SDKs do not send it again.
 */
export async function isUnderDeletion(
  context: ServerContext,
  projectId: string,
  ids: readonly unknown[],
  log: FastifyBaseLogger,
  kind: DroppedKind,
): Promise<boolean> {
  const present = presentIds(ids);
  if (present.length === 0) return false;
  const store = new DeletionRequestStore(context.metadata.connection.db);
  const now = context.now();
  const found = await store.findDroppedIds(projectId, present, now);
  if (found.ids.size === 0) return false;
  noteDrops(log, now, projectId, found.requestIds, kind, 1);
  return true;
}

/** Returns the items to store: those with no id under deletion, in their order. */
export async function keepItemsNotUnderDeletion<T>(
  context: ServerContext,
  items: Array<{ item: T; project: ProjectRow }>,
  idsOf: (item: T) => unknown[],
  log: FastifyBaseLogger,
  kind: DroppedKind,
): Promise<Array<{ item: T; project: ProjectRow }>> {
  const store = new DeletionRequestStore(context.metadata.connection.db);
  const now = context.now();
  const byProject = new Map<string, string[]>();
  for (const { item, project } of items) {
    const ids = byProject.get(project.id) ?? [];
    ids.push(...presentIds(idsOf(item)));
    byProject.set(project.id, ids);
  }

  const dropped = new Map<string, Set<string>>();
  for (const [projectId, ids] of byProject) {
    if (ids.length === 0) continue;
    const found = await store.findDroppedIds(projectId, ids, now);
    if (found.ids.size === 0) continue;
    dropped.set(projectId, found.ids);
    const count = items.filter(
      ({ item, project }) =>
        project.id === projectId && presentIds(idsOf(item)).some((id) => found.ids.has(id)),
    ).length;
    noteDrops(log, now, projectId, found.requestIds, kind, count);
  }
  if (dropped.size === 0) return items;
  return items.filter(({ item, project }) => {
    const ids = dropped.get(project.id);
    return !ids || !presentIds(idsOf(item)).some((id) => ids.has(id));
  });
}
