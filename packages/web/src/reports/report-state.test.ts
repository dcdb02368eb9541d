import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatEventReportState,
  formatFunnelState,
  localDate,
  parseEventReportState,
  parseFunnelState,
  toEventReportRequest,
} from './report-state.js';

const now = Date.UTC(2030, 2, 31, 23, 30);

describe('localDate', () => {
  it('uses the time zone', () => {
    expect(localDate(now, 'UTC')).toBe('2030-03-31');
    expect(localDate(now, 'Asia/Tokyo')).toBe('2030-04-01');
    expect(localDate(now, 'America/Los_Angeles')).toBe('2030-03-31');
  });

  it('adds days across months', () => {
    expect(addDays('2030-03-31', 1)).toBe('2030-04-01');
    expect(addDays('2030-03-01', -1)).toBe('2030-02-28');
  });
});

describe('event report state', () => {
  it('defaults to the last 30 days', () => {
    const state = parseEventReportState(new URLSearchParams('tz=UTC'), now);
    expect(state).toMatchObject({ from: '2030-03-02', to: '2030-03-31', unit: 'day' });
    expect(state.events).toEqual([]);
  });

  it('round-trips through the URL', () => {
    const params = new URLSearchParams(
      'event=Page+Viewed&event=Sign+Up&from=2030-01-01&to=2030-01-07&unit=hour&tz=Europe%2FParis&measure=unique&by=plan&top=3',
    );
    const state = parseEventReportState(params, now);
    expect(parseEventReportState(formatEventReportState(state), now)).toEqual(state);
    expect(toEventReportRequest(state)).toEqual({
      events: ['Page Viewed', 'Sign Up'],
      from: '2030-01-01',
      to: '2030-01-07',
      unit: 'hour',
      timeZone: 'Europe/Paris',
      measure: 'unique',
      breakdown: { property: 'plan', limit: 3 },
    });
  });

  it('drops invalid values', () => {
    const state = parseEventReportState(
      new URLSearchParams('unit=month&from=yesterday&top=-2&measure=x&tz=UTC'),
      now,
    );
    expect(state).toMatchObject({ unit: 'day', from: '2030-03-02', top: 5, measure: 'total' });
  });
});

describe('funnel state', () => {
  it('round-trips steps and window', () => {
    const steps = [{ event: 'A' }, { event: 'B', filter: { property: 'plan', value: 'pro' } }];
    const params = new URLSearchParams({
      steps: JSON.stringify(steps),
      from: '2030-01-01',
      to: '2030-01-02',
      tz: 'UTC',
      window: '30',
      within: 'minute',
    });
    const state = parseFunnelState(params, now);
    expect(state.steps).toEqual(steps);
    expect(state.windowValue).toBe(30);
    expect(parseFunnelState(formatFunnelState(state), now)).toEqual(state);
  });

  it('ignores malformed steps', () => {
    const params = new URLSearchParams({ steps: '[{"event":1},{"event":"B"},"x"]' });
    expect(parseFunnelState(params, now).steps).toEqual([{ event: 'B' }]);
    expect(parseFunnelState(new URLSearchParams({ steps: '{' }), now).steps).toEqual([]);
  });
});
