import {
  funnelReplaysRequestSchema,
  funnelRequestSchema,
  type FunnelRequest,
  type FunnelStep,
} from '@reprise/protocol';
import { beforeAll, expect, it } from 'vitest';
import { analyticsEvent, anonymous, loggedIn } from '../test-support/analytics.js';
import { chunkRow, describeEachStore } from '../test-support/stores.js';
import { findFunnelReplays, runFunnel } from './funnel-report.js';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
/** 2030-08-01 08:00 UTC; the funnels let users enter on 2030-08-01 only. */
const t0 = Date.UTC(2030, 7, 1, 8);

const abc: FunnelStep[] = [{ event: 'A' }, { event: 'B' }, { event: 'C' }];

describeEachStore('funnel report', (store) => {
  const base = { from: '2030-08-01', to: '2030-08-01', window: { value: 1, unit: 'hour' } };
  const run = (steps: FunnelStep[]) =>
    runFunnel(
      store().connection.db,
      store().connection.dialect,
      'funnel',
      funnelRequestSchema.parse({ ...base, steps } satisfies FunnelRequest),
    );
  const replaysOf = (step: number, outcome: 'converted' | 'dropped') =>
    findFunnelReplays(
      store().connection.db,
      store().connection.dialect,
      'funnel',
      funnelReplaysRequestSchema.parse({ ...base, steps: abc, step, outcome }),
    );
  const event = (
    name: string,
    offsetMs: number,
    identity: object,
    extra: Record<string, unknown> = {},
  ) => analyticsEvent(name, t0 + offsetMs, { project_id: 'funnel', ...identity, ...extra });

  beforeAll(async () => {
    const u = (user: string) => loggedIn(user);
    const u5 = { ...loggedIn('u5'), replay_id: 'r-u5' };
    const analytics = store().analytics;
    await analytics.insertEvents([
      // u1 converts: A, B, C.
      event('A', 0, u('u1'), { properties: { plan: 'pro' } }),
      event('B', 10 * minuteMs, u('u1')),
      event('C', 20 * minuteMs, u('u1')),
      // u2: B before A does not count.
      event('B', 0, u('u2')),
      event('A', 5 * minuteMs, u('u2')),
      // u3: B exactly at the window's end counts; C 1 ms later does not.
      event('A', 0, u('u3'), { properties: { plan: 'free' } }),
      event('B', hourMs, u('u3')),
      event('C', hourMs + 1, u('u3')),
      // u4: B 1 ms after the window.
      event('A', 0, u('u4')),
      event('B', hourMs + 1, u('u4')),
      // u5 repeats steps: counted once.
      event('A', 0, u5),
      event('A', minuteMs, u5),
      event('A', 2 * minuteMs, u5, { properties: { count: 2 } }),
      event('B', 3 * minuteMs, u5),
      event('B', 4 * minuteMs, u5),
      // u6: A before login on device d6, B and C after.
      event('A', 0, anonymous('d6')),
      // u7: A the day before the range, so never enters.
      event('A', -8 * hourMs - minuteMs, u('u7')),
      event('B', -8 * hourMs + 10 * minuteMs, u('u7')),
      // u8: a first try times out, a second one converts.
      event('A', 0, u('u8')),
      event('B', 2 * hourMs, u('u8')),
      event('A', 3 * hourMs, u('u8')),
      event('B', 3 * hourMs + 10 * minuteMs, u('u8')),
      event('C', 3 * hourMs + 20 * minuteMs, u('u8')),
    ]);
    await analytics.recordIdentity('funnel', 'd6', 'u6', t0);
    await analytics.insertEvents([
      event('B', 5 * minuteMs, loggedIn('u6', 'd6')),
      event('C', 6 * minuteMs, loggedIn('u6', 'd6')),
    ]);

    const facts = { expiresOn: '2030-09-01', browser: null, os: null };
    const replay = (id: string, first: number, last: number, identity: object) =>
      store().replays.storeChunk(
        chunkRow({
          project_id: 'funnel',
          replay_id: id,
          first_ts: t0 + first,
          last_ts: t0 + last,
          ...identity,
        }),
        facts,
      );
    await replay('r-u5', -5_000, 10 * minuteMs, { distinct_id: 'u5', user_id: 'u5' });
    await replay('r-u3', 30 * minuteMs, 70 * minuteMs, { distinct_id: 'u3', user_id: 'u3' });
    await replay('r-u6', -1_000, 10 * minuteMs, {
      distinct_id: '$device:d6',
      device_id: 'd6',
      user_id: null,
    });
  });

  it('counts users per step in order', async () => {
    const result = await run(abc);
    expect(result.steps.map((step) => step.users)).toEqual([7, 5, 3]);
    expect(result.steps.map((step) => step.droppedAfter)).toEqual([2, 2, 0]);
    expect(result.steps[1]!.conversionFromPrevious).toBeCloseTo(5 / 7);
    expect(result.steps[2]!.conversionFromFirst).toBeCloseTo(3 / 7);
  });

  it('median time between steps', async () => {
    const result = await run(abc);
    // A to B: u5 3 min, u6 5 min, u1 10 min, u8 10 min, u3 60 min. B to C: u6 1, u1 10, u8 10.
    expect(result.steps.map((step) => step.medianMsFromPrevious)).toEqual([
      null,
      10 * minuteMs,
      10 * minuteMs,
    ]);
  });

  it('same event twice', async () => {
    const result = await run([{ event: 'A' }, { event: 'A' }]);
    // Only u5 has a second A within an hour of a first one.
    expect(result.steps.map((step) => step.users)).toEqual([7, 1]);
  });

  it('filters steps by property', async () => {
    const pro = await run([
      { event: 'A', filter: { property: 'plan', value: 'pro' } },
      { event: 'B' },
    ]);
    expect(pro.steps.map((step) => step.users)).toEqual([1, 1]);
    const counted = await run([
      { event: 'A', filter: { property: 'count', value: '2' } },
      { event: 'B' },
    ]);
    expect(counted.steps.map((step) => step.users)).toEqual([1, 1]);
  });

  it('lists drop-off replays at the last step', async () => {
    const result = await replaysOf(1, 'dropped');
    // u3 and u5 reached B but not C, newest B first.
    expect(result.replays.map((replay) => [replay.replayId, replay.userId])).toEqual([
      ['r-u3', 'u3'],
      ['r-u5', 'u5'],
    ]);
    const [u3, u5] = result.replays;
    expect(u3!.linkedBy).toBe('time');
    expect(u3!.eventAt).toBe(t0 + hourMs);
    expect(u3!.offsetMs).toBe(hourMs - 30 * minuteMs - 3_000);
    expect(u5!.linkedBy).toBe('replay_id');
    expect(u5!.offsetMs).toBe(3 * minuteMs + 5_000 - 3_000);
  });

  it('finds the anonymous replay of a user', async () => {
    const result = await replaysOf(2, 'converted');
    // Of u1, u6 and u8, only u6 has a replay: recorded on device d6 before login.
    expect(result.replays.map((replay) => [replay.replayId, replay.userId])).toEqual([
      ['r-u6', 'u6'],
    ]);
    expect(result.replays[0]!.offsetMs).toBe(6 * minuteMs + 1_000 - 3_000);
  });
});
