import { eventReportRequestSchema, type EventReportRequest } from '@reprise/protocol';
import { beforeAll, expect, it } from 'vitest';
import { analyticsEvent, anonymous, loggedIn } from '../test-support/analytics.js';
import { describeEachStore } from '../test-support/stores.js';
import { runEventReport } from './event-report.js';

const utc = Date.UTC;

describeEachStore('event report', (store) => {
  const report = (projectId: string, request: EventReportRequest) =>
    runEventReport(
      store().connection.db,
      store().connection.dialect,
      projectId,
      eventReportRequestSchema.parse(request),
    );

  beforeAll(async () => {
    const view = (time: number) => analyticsEvent('View', time, { project_id: 'dst' });
    await store().analytics.insertEvents([
      view(utc(2030, 2, 29, 23) - 1), // Paris 2030-03-29 23:59:59.999: before the range
      view(utc(2030, 2, 29, 23)), // Paris 2030-03-30 00:00, exactly midnight
      view(utc(2030, 2, 30, 22, 59, 59, 999)), // Paris 2030-03-30 23:59:59.999
      view(utc(2030, 2, 30, 23)), // Paris 2030-03-31 00:00
      view(utc(2030, 2, 31, 0, 30)), // Paris 01:30, winter time
      view(utc(2030, 2, 31, 1)), // Paris 03:00, summer time from this instant
      view(utc(2030, 2, 31, 21, 59, 59, 999)), // Paris 2030-03-31 23:59:59.999
      view(utc(2030, 2, 31, 22)), // Paris 2030-04-01 00:00
      view(utc(2030, 3, 1, 22)), // Paris 2030-04-02 00:00: after the range
    ]);
  });

  it('days follow Paris DST', async () => {
    const result = await report('dst', {
      events: ['View'],
      from: '2030-03-30',
      to: '2030-04-01',
      timeZone: 'Europe/Paris',
    });
    expect(result.buckets.map((bucket) => bucket.label)).toEqual([
      '2030-03-30',
      '2030-03-31',
      '2030-04-01',
    ]);
    expect(result.series).toEqual([{ event: 'View', values: [2, 4, 1], total: 7 }]);
  });

  it('hours follow Paris DST', async () => {
    const result = await report('dst', {
      events: ['View'],
      from: '2030-03-31',
      to: '2030-03-31',
      unit: 'hour',
      timeZone: 'Europe/Paris',
    });
    const expected = Array.from({ length: 23 }, () => 0);
    expected[0] = 1; // 00:00
    expected[1] = 1; // 01:30
    expected[2] = 1; // 03:00, the bucket after 01:00
    expected[22] = 1; // 23:59:59.999
    expect(result.series[0]!.values).toEqual(expected);
  });

  it('days in UTC', async () => {
    const result = await report('dst', { events: ['View'], from: '2030-03-30', to: '2030-03-31' });
    // 2030-03-30: 22:59:59.999 and 23:00; 2030-03-31: 00:30, 01:00, 21:59:59.999 and 22:00.
    expect(result.series[0]!.values).toEqual([2, 4]);
  });

  it('weeks start on Monday', async () => {
    // Monday 2030-03-25 to Sunday 2030-04-07, in Paris. The first seven events (local times
    // 2030-03-29 23:59:59.999 to 2030-03-31 23:59:59.999) are in the first week, the last two
    // (2030-04-01 and 2030-04-02 at midnight) in the second.
    const result = await report('dst', {
      events: ['View'],
      from: '2030-03-25',
      to: '2030-04-07',
      unit: 'week',
      timeZone: 'Europe/Paris',
    });
    expect(result.series[0]!.values).toEqual([7, 2]);
  });

  it('lists an unknown event as zeros', async () => {
    const result = await report('dst', {
      events: ['Nothing'],
      from: '2030-03-30',
      to: '2030-03-31',
    });
    expect(result.series).toEqual([{ event: 'Nothing', values: [0, 0], total: 0 }]);
  });
});

describeEachStore('event report users', (store) => {
  const report = (request: Partial<EventReportRequest>) =>
    runEventReport(
      store().connection.db,
      store().connection.dialect,
      'users',
      eventReportRequestSchema.parse({
        events: ['Click'],
        from: '2030-05-01',
        to: '2030-05-02',
        ...request,
      }),
    );
  const click = (day: number, identity: object) =>
    analyticsEvent('Click', utc(2030, 4, day, 12), { project_id: 'users', ...identity });

  beforeAll(async () => {
    const analytics = store().analytics;
    await analytics.insertEvents([click(1, anonymous('da')), click(1, anonymous('da'))]);
    await analytics.recordIdentity('users', 'da', 'ann', 0);
    await analytics.insertEvents([
      click(1, loggedIn('ann', 'da')),
      click(2, loggedIn('ann', 'da')),
      click(1, loggedIn('bob', 'db')),
      click(2, anonymous('dc')),
      click(2, anonymous('dc')),
      // Stored after identify, without the user id: still ann's.
      click(2, anonymous('da')),
    ]);
  });

  it('total counts every event', async () => {
    const result = await report({ measure: 'total' });
    expect(result.series).toEqual([{ event: 'Click', values: [4, 4], total: 8 }]);
  });

  it('unique counts users once', async () => {
    const result = await report({ measure: 'unique' });
    // Day 1: ann (two events before login, one after) and bob. Day 2: ann and $device:dc.
    expect(result.series[0]!.values).toEqual([2, 2]);
    expect(result.series[0]!.total).toBe(3);
  });
});

describeEachStore('event report breakdown', (store) => {
  const report = (request: Partial<EventReportRequest>) =>
    runEventReport(
      store().connection.db,
      store().connection.dialect,
      'breakdown',
      eventReportRequestSchema.parse({
        events: ['Buy'],
        from: '2030-06-01',
        to: '2030-06-02',
        breakdown: { property: 'plan', limit: 2 },
        ...request,
      }),
    );
  const buy = (day: number, user: string, plan?: string) =>
    analyticsEvent('Buy', utc(2030, 5, day, 9), {
      project_id: 'breakdown',
      ...loggedIn(user),
      properties: plan === undefined ? {} : { plan },
    });
  const flag = (value: unknown) =>
    analyticsEvent('Flag', utc(2030, 5, 1, 9), {
      project_id: 'breakdown',
      properties: { beta: value },
    });

  beforeAll(async () => {
    await store().analytics.insertEvents([
      buy(1, 'u1', 'pro'),
      buy(1, 'u2', 'pro'),
      buy(1, 'u3', 'free'),
      buy(1, 'u4', 'team'),
      buy(1, 'u5'),
      buy(2, 'u1', 'pro'),
      buy(2, 'u3', 'free'),
      buy(2, 'u6', 'free'),
      buy(2, 'u4', 'team'),
      buy(2, 'u7', 'enterprise'),
      flag(true),
      flag(false),
      flag(2),
      flag('x'),
      flag(null),
    ]);
  });

  it('top values and other', async () => {
    const result = await report({});
    // pro and free tie at 3 events, so the value decides; team, no plan and enterprise are other.
    expect(result.series).toEqual([
      { event: 'Buy', value: 'free', values: [1, 2], total: 3 },
      { event: 'Buy', value: 'pro', values: [2, 1], total: 3 },
      { event: 'Buy', value: null, isOther: true, values: [2, 2], total: 4 },
    ]);
  });

  it('unique other counts users once', async () => {
    const result = await report({ measure: 'unique' });
    const other = result.series.find((series) => series.isOther);
    // Day 1: u4 and u5; day 2: u4 and u7; over both days u4, u5 and u7.
    expect(other?.values).toEqual([2, 2]);
    expect(other?.total).toBe(3);
  });

  it('missing property can be top', async () => {
    const result = await report({ breakdown: { property: 'plan', limit: 5 } });
    expect(result.series.map((series) => series.value)).toEqual([
      'free',
      'pro',
      'team',
      'enterprise',
      null,
    ]);
    expect(result.series.some((series) => series.isOther)).toBe(false);
  });

  it('values read the same on both stores', async () => {
    const result = await report({
      events: ['Flag'],
      breakdown: { property: 'beta', limit: 10 },
    });
    expect(result.series.map((series) => series.value)).toEqual(['2', 'false', 'true', 'x', null]);
  });
});
