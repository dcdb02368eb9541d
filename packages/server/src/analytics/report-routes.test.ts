import { randomUUID } from 'node:crypto';
import type {
  EventNameList,
  EventReport,
  FunnelReport,
  ReplayAnalyticsEvents,
  ReportReplayList,
} from '@reprise/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { postAnalytics, postApi } from '../test-support/analytics.js';
import {
  describeEachDatabase,
  expectErrorResponse,
  postRecord,
  useTestServer,
} from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';

const t0 = Date.UTC(2030, 0, 15, 12);
const secondMs = 1_000;
const base = { from: '2030-01-15', to: '2030-01-15' };
const funnel = {
  ...base,
  steps: [
    { event: 'Product Viewed' },
    { event: 'Sign Up Started' },
    { event: 'Sign Up Completed' },
  ],
};

function track(name: string, atMs: number, user: string, replayId: string) {
  return {
    event: name,
    properties: {
      token: 'rpt_test_token',
      distinct_id: user,
      $user_id: user,
      time: atMs / 1000,
      $insert_id: randomUUID(),
      $mp_replay_id: replayId,
    },
  };
}

describeEachDatabase('report API', (database) => {
  const server = useTestServer({ database, now: () => t0 });
  const replayDone = randomUUID();
  const replayLeft = randomUUID();

  beforeAll(async () => {
    for (const [replayId, user] of [
      [replayDone, 'done'],
      [replayLeft, 'left'],
    ] as const) {
      const query = { distinct_id: user, $user_id: user };
      const batches = [firstBatch(t0), laterBatch(t0 + 60 * secondMs)];
      for (const [seq, events] of batches.entries()) {
        const response = await postRecord(server(), { replayId, seq, events, query });
        expect(response.status).toBe(200);
      }
    }
    const events = [
      track('Product Viewed', t0 + 10 * secondMs, 'done', replayDone),
      track('Sign Up Started', t0 + 20 * secondMs, 'done', replayDone),
      track('Sign Up Completed', t0 + 30 * secondMs, 'done', replayDone),
      track('Product Viewed', t0 + 5 * secondMs, 'left', replayLeft),
      track('Sign Up Started', t0 + 8 * secondMs, 'left', replayLeft),
    ];
    expect((await postAnalytics(server(), '/track/', events)).status).toBe(200);
  });

  it('lists event names and session events', async () => {
    const response = await server().api('/api/event-names');
    const body = (await response.json()) as EventNameList;
    expect(body.names).toEqual([
      { name: 'Product Viewed', derived: false },
      { name: 'Sign Up Completed', derived: false },
      { name: 'Sign Up Started', derived: false },
      { name: 'Session Start', derived: true },
      { name: 'Session End', derived: true },
    ]);
  });

  it('charts events', async () => {
    const response = await postApi(server(), '/api/reports/events', {
      ...base,
      events: ['Product Viewed', 'Session Start'],
      measure: 'unique',
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as EventReport;
    expect(report.buckets).toEqual([
      { start: Date.UTC(2030, 0, 15), end: Date.UTC(2030, 0, 16), label: '2030-01-15' },
    ]);
    expect(report.series.map((series) => series.values)).toEqual([[2], [2]]);
  });

  it('lists replays of a chart point', async () => {
    const response = await postApi(server(), '/api/reports/events/replays', {
      event: 'Sign Up Started',
      start: Date.UTC(2030, 0, 15),
      end: Date.UTC(2030, 0, 16),
    });
    const body = (await response.json()) as ReportReplayList;
    expect(body.replays.map((replay) => [replay.replayId, replay.offsetMs])).toEqual([
      [replayDone, 17 * secondMs],
      [replayLeft, 5 * secondMs],
    ]);
  });

  it('runs a funnel', async () => {
    const response = await postApi(server(), '/api/reports/funnels', funnel);
    const body = (await response.json()) as FunnelReport;
    expect(body.steps.map((step) => step.users)).toEqual([2, 2, 1]);
  });

  it('lists drop-off replays', async () => {
    const response = await postApi(server(), '/api/reports/funnels/replays', {
      ...funnel,
      step: 1,
      outcome: 'dropped',
    });
    const body = (await response.json()) as ReportReplayList;
    expect(body.replays.map((replay) => [replay.replayId, replay.userId, replay.offsetMs])).toEqual(
      [[replayLeft, 'left', 5 * secondMs]],
    );
  });

  it("lists a replay's analytics events", async () => {
    const response = await server().api(`/api/replays/${replayDone}/analytics-events`);
    const body = (await response.json()) as ReplayAnalyticsEvents;
    expect(body.events.map((event) => event.name)).toEqual([
      'Product Viewed',
      'Sign Up Started',
      'Sign Up Completed',
    ]);
    expect(body.events[0]!.time).toBe(t0 + 10 * secondMs);
    expect(body.truncated).toBe(false);
  });

  it('analytics events of unknown replay', async () => {
    await expectErrorResponse(await server().api('/api/replays/nope/analytics-events'), 404);
  });
});

describe('report API limits', () => {
  const server = useTestServer({ now: () => t0 });
  const chart = { events: ['A'], ...base };

  const cases: Array<[string, string, object, { field: string; limit?: number }]> = [
    [
      'too many events',
      '/api/reports/events',
      { ...chart, events: Array(11).fill('A') },
      { field: 'events', limit: 10 },
    ],
    ['no event', '/api/reports/events', { ...chart, events: [] }, { field: 'events' }],
    [
      'range too long',
      '/api/reports/events',
      { ...chart, from: '2030-01-01', to: '2031-01-02' },
      { field: 'to', limit: 366 },
    ],
    [
      'hourly range too long',
      '/api/reports/events',
      { ...chart, from: '2030-01-01', to: '2030-02-01', unit: 'hour' },
      { field: 'to', limit: 31 },
    ],
    [
      'to before from',
      '/api/reports/events',
      { ...chart, from: '2030-01-02', to: '2030-01-01' },
      { field: 'to' },
    ],
    ['invalid date', '/api/reports/events', { ...chart, from: '2030-02-30' }, { field: 'from' }],
    [
      'unknown time zone',
      '/api/reports/events',
      { ...chart, timeZone: 'Mars/Olympus' },
      { field: 'timeZone' },
    ],
    [
      'too many breakdown values',
      '/api/reports/events',
      { ...chart, breakdown: { property: 'plan', limit: 21 } },
      { field: 'breakdown.limit', limit: 20 },
    ],
    [
      'quoted property',
      '/api/reports/events',
      { ...chart, breakdown: { property: 'a"b' } },
      { field: 'breakdown.property' },
    ],
    [
      'too many steps',
      '/api/reports/funnels',
      { ...funnel, steps: Array(11).fill({ event: 'A' }) },
      { field: 'steps', limit: 10 },
    ],
    [
      'one step',
      '/api/reports/funnels',
      { ...funnel, steps: [{ event: 'A' }] },
      { field: 'steps' },
    ],
    [
      'window too long',
      '/api/reports/funnels',
      { ...funnel, window: { value: 91, unit: 'day' } },
      { field: 'window.value', limit: 90 },
    ],
    [
      'step out of range',
      '/api/reports/funnels/replays',
      { ...funnel, step: 3, outcome: 'converted' },
      { field: 'step', limit: 2 },
    ],
    [
      'drop-off after last',
      '/api/reports/funnels/replays',
      { ...funnel, step: 2, outcome: 'dropped' },
      { field: 'step' },
    ],
    [
      'bucket too long',
      '/api/reports/events/replays',
      { event: 'A', start: 0, end: 9 * 86_400_000 },
      { field: 'end', limit: 8 },
    ],
    [
      'too many replays',
      '/api/reports/events/replays',
      { event: 'A', start: 0, end: 1, limit: 101 },
      { field: 'limit', limit: 100 },
    ],
  ];
  for (const [name, path, body, expected] of cases) {
    it(`rejects ${name}`, async () => {
      const response = await postApi(server(), path, body);
      const error = await expectErrorResponse(response, 400, {
        code: 'invalid_input',
        ...expected,
      });
      expect(error.error).toContain(expected.field);
      if (expected.limit !== undefined) expect(error.error).toContain(String(expected.limit));
    });
  }

  it('needs credentials', async () => {
    const response = await server().request('/api/reports/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(chart),
    });
    await expectErrorResponse(response, 401);
  });

  it.each(['/api/reports/events', '/api/reports/funnels'])(
    '%s checks credentials first',
    async (path) => {
      const response = await server().request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      await expectErrorResponse(response, 401);
    },
  );

  it("rejects another project's secret", async () => {
    const response = await postApi(server(), '/api/reports/events?project=other', chart);
    await expectErrorResponse(response, 403);
  });
});
