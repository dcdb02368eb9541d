import { eventReportRequestSchema, sessionGapMs } from '@reprise/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticsEvent, anonymous, loggedIn } from '../test-support/analytics.js';
import { describeEachStore } from '../test-support/stores.js';
import type { MetadataStore } from '../store/metadata/index.js';
import { runEventReport } from './event-report.js';
import { diffSessions, mergeSessions } from './sessions.js';

const minuteMs = 60_000;
const t0 = Date.UTC(2030, 6, 1, 8);

describe('mergeSessions', () => {
  it('gap of exactly 30 min splits', () => {
    expect(mergeSessions([], [0, sessionGapMs])).toEqual([
      { start: 0, end: 0 },
      { start: sessionGapMs, end: sessionGapMs },
    ]);
  });

  it('gap of 30 min - 1 ms joins', () => {
    expect(mergeSessions([], [0, sessionGapMs - 1])).toEqual([{ start: 0, end: sessionGapMs - 1 }]);
  });

  it('late event bridges two sessions', () => {
    const before = mergeSessions([], [0, 50 * minuteMs]);
    expect(before).toHaveLength(2);
    expect(mergeSessions(before, [25 * minuteMs])).toEqual([{ start: 0, end: 50 * minuteMs }]);
  });

  it('event inside a session changes nothing', () => {
    const before = [{ start: 0, end: 20 * minuteMs }];
    const after = mergeSessions(before, [10 * minuteMs]);
    expect(diffSessions(before, after)).toEqual({ removed: [], added: [] });
  });
});

async function sessionsOf(store: MetadataStore, projectId: string, personId: string) {
  const rows = await store.connection.db
    .selectFrom('user_sessions')
    .select(['start_ms', 'end_ms'])
    .where('project_id', '=', projectId)
    .where('person_id', '=', personId)
    .orderBy('start_ms')
    .execute();
  return rows.map((row) => [Number(row.start_ms) - t0, Number(row.end_ms) - t0]);
}

async function usersOf(store: MetadataStore, projectId: string) {
  const rows = await store.connection.db
    .selectFrom('analytics_users')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('person_id')
    .execute();
  return rows.map((row) => [
    row.person_id,
    Number(row.first_seen_ms) - t0,
    Number(row.last_seen_ms) - t0,
  ]);
}

describeEachStore('session index', (store) => {
  const at = (offsetMs: number, identity: object, project = 'sessions') =>
    analyticsEvent('Tap', t0 + offsetMs, { project_id: project, ...identity });

  it('splits at exactly 30 min', async () => {
    await store().analytics.insertEvents([
      at(0, loggedIn('gap')),
      at(sessionGapMs, loggedIn('gap')),
    ]);
    expect(await sessionsOf(store(), 'sessions', 'gap')).toEqual([
      [0, 0],
      [sessionGapMs, sessionGapMs],
    ]);
  });

  it('joins at 30 min - 1 ms', async () => {
    const events = [at(0, loggedIn('near')), at(sessionGapMs - 1, loggedIn('near'))];
    await store().analytics.insertEvents(events);
    expect(await sessionsOf(store(), 'sessions', 'near')).toEqual([[0, sessionGapMs - 1]]);
  });

  it('merges events arriving late', async () => {
    const analytics = store().analytics;
    await analytics.insertEvents([at(0, loggedIn('late')), at(50 * minuteMs, loggedIn('late'))]);
    await analytics.insertEvents([at(25 * minuteMs, loggedIn('late'))]);
    expect(await sessionsOf(store(), 'sessions', 'late')).toEqual([[0, 50 * minuteMs]]);
  });

  it('repeated insert changes nothing', async () => {
    const event = at(5 * minuteMs, loggedIn('repeat'));
    await store().analytics.insertEvents([event]);
    await store().analytics.insertEvents([event]);
    expect(await sessionsOf(store(), 'sessions', 'repeat')).toEqual([[5 * minuteMs, 5 * minuteMs]]);
  });

  it('identify moves anonymous sessions', async () => {
    const analytics = store().analytics;
    await analytics.insertEvents([
      at(0, anonymous('dev-x'), 'merge'),
      at(10 * minuteMs, anonymous('dev-x'), 'merge'),
      at(20 * minuteMs, loggedIn('xena', 'dev-x'), 'merge'),
    ]);
    expect(await usersOf(store(), 'merge')).toEqual([
      ['$device:dev-x', 0, 10 * minuteMs],
      ['xena', 20 * minuteMs, 20 * minuteMs],
    ]);

    await analytics.recordIdentity('merge', 'dev-x', 'xena', t0);
    expect(await sessionsOf(store(), 'merge', 'xena')).toEqual([[0, 20 * minuteMs]]);
    expect(await sessionsOf(store(), 'merge', '$device:dev-x')).toEqual([]);
    expect(await usersOf(store(), 'merge')).toEqual([['xena', 0, 20 * minuteMs]]);
  });

  it('rebuild matches incremental index', async () => {
    const db = store().connection.db;
    const read = () =>
      db
        .selectFrom('user_sessions')
        .selectAll()
        .orderBy('project_id')
        .orderBy('person_id')
        .orderBy('start_ms')
        .execute();
    const incremental = await read();
    expect(incremental.length).toBeGreaterThan(5);
    await store().people.rebuild(db);
    expect(await read()).toEqual(incremental);
  });
});

describeEachStore('session events', (store) => {
  const report = (events: string[], measure: 'total' | 'unique') =>
    runEventReport(
      store().connection.db,
      store().connection.dialect,
      'derived',
      eventReportRequestSchema.parse({ events, from: '2030-07-01', to: '2030-07-02', measure }),
    );
  const tap = (offsetMs: number, user: string) =>
    analyticsEvent('Tap', t0 + offsetMs, { project_id: 'derived', ...loggedIn(user) });

  beforeAll(async () => {
    const dayMs = 24 * 60 * minuteMs;
    await store().analytics.insertEvents([
      // ann: two sessions on day 1 (a 40 min gap), one on day 2.
      tap(0, 'ann'),
      tap(10 * minuteMs, 'ann'),
      tap(50 * minuteMs, 'ann'),
      tap(dayMs, 'ann'),
      // bob: one session on day 1 that ends on day 1, whatever the gaps under 30 min.
      tap(0, 'bob'),
      tap(29 * minuteMs, 'bob'),
      tap(58 * minuteMs, 'bob'),
    ]);
  });

  it('counts Session Start like an event', async () => {
    const result = await report(['Session Start', 'Session End'], 'total');
    expect(result.series.map((series) => series.values)).toEqual([
      [3, 1],
      [3, 1],
    ]);
  });

  it('counts unique users of sessions', async () => {
    const result = await report(['Session Start'], 'unique');
    expect(result.series[0]!.values).toEqual([2, 1]);
    expect(result.series[0]!.total).toBe(2);
  });
});
