import type {
  EventReportRequest,
  FunnelRequest,
  FunnelStep,
  ReportMeasure,
  TimeUnit,
  WindowUnit,
} from '@reprise/protocol';

/** An event report as kept in the page URL, so that a view can be linked. */
export interface EventReportState {
  events: string[];
  /** First and last local day, `yyyy-mm-dd`, both included. */
  from: string;
  to: string;
  unit: TimeUnit;
  timeZone: string;
  measure: ReportMeasure;
  /** Breakdown property, or empty for none. */
  breakdown: string;
  /** Number of breakdown values shown before "other". */
  top: number;
}

/** A funnel as kept in the page URL. */
export interface FunnelState {
  steps: FunnelStep[];
  from: string;
  to: string;
  timeZone: string;
  windowValue: number;
  windowUnit: WindowUnit;
}

const units: readonly TimeUnit[] = ['hour', 'day', 'week'];
const windowUnits: readonly WindowUnit[] = ['minute', 'hour', 'day'];
const dateText = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;
/** Days shown when the URL names no range: the last 30, today included. */
const defaultDays = 30;

/** Returns the browser's IANA time zone, or UTC when it cannot tell. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Returns the date, `yyyy-mm-dd`, that it is in `timeZone` at `nowMs`. */
export function localDate(nowMs: number, timeZone: string): string {
  const fields: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  for (const part of format.formatToParts(nowMs)) fields[part.type] = part.value;
  return `${fields.year}-${fields.month}-${fields.day}`;
}

/** Adds whole days to a `yyyy-mm-dd` date. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * dayMs;
  return new Date(ms).toISOString().slice(0, 10);
}

function readDates(params: URLSearchParams, timeZone: string, nowMs: number) {
  const to = params.get('to') ?? '';
  const from = params.get('from') ?? '';
  const today = localDate(nowMs, timeZone);
  const end = dateText.test(to) ? to : today;
  return { from: dateText.test(from) ? from : addDays(end, 1 - defaultDays), to: end };
}

function readTimeZone(params: URLSearchParams): string {
  return params.get('tz') || browserTimeZone();
}

function positiveInteger(value: string | null, fallback: number): number {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : fallback;
}

export function parseEventReportState(params: URLSearchParams, nowMs: number): EventReportState {
  const timeZone = readTimeZone(params);
  const unit = params.get('unit') as TimeUnit;
  return {
    events: params.getAll('event').filter((name) => name !== ''),
    ...readDates(params, timeZone, nowMs),
    unit: units.includes(unit) ? unit : 'day',
    timeZone,
    measure: params.get('measure') === 'unique' ? 'unique' : 'total',
    breakdown: params.get('by') ?? '',
    top: positiveInteger(params.get('top'), 5),
  };
}

export function formatEventReportState(state: EventReportState, project?: string) {
  const params = new URLSearchParams();
  if (project) params.set('project', project);
  for (const event of state.events) params.append('event', event);
  params.set('from', state.from);
  params.set('to', state.to);
  params.set('unit', state.unit);
  params.set('tz', state.timeZone);
  if (state.measure !== 'total') params.set('measure', state.measure);
  if (state.breakdown) {
    params.set('by', state.breakdown);
    params.set('top', String(state.top));
  }
  return params;
}

export function toEventReportRequest(state: EventReportState): EventReportRequest {
  return {
    events: state.events,
    from: state.from,
    to: state.to,
    unit: state.unit,
    timeZone: state.timeZone,
    measure: state.measure,
    ...(state.breakdown ? { breakdown: { property: state.breakdown, limit: state.top } } : {}),
  };
}

/** Reads the steps from the `steps` parameter, JSON, keeping only well-formed ones. */
function readSteps(text: string | null): FunnelStep[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((item): FunnelStep[] => {
      if (typeof item?.event !== 'string') return [];
      const filter = item.filter;
      const hasFilter = typeof filter?.property === 'string' && typeof filter?.value === 'string';
      return [
        hasFilter
          ? { event: item.event, filter: { property: filter.property, value: filter.value } }
          : { event: item.event },
      ];
    });
  } catch {
    return [];
  }
}

export function parseFunnelState(params: URLSearchParams, nowMs: number): FunnelState {
  const timeZone = readTimeZone(params);
  const windowUnit = params.get('within') as WindowUnit;
  return {
    steps: readSteps(params.get('steps')),
    ...readDates(params, timeZone, nowMs),
    timeZone,
    windowValue: positiveInteger(params.get('window'), 1),
    windowUnit: windowUnits.includes(windowUnit) ? windowUnit : 'day',
  };
}

export function formatFunnelState(state: FunnelState, project?: string) {
  const params = new URLSearchParams();
  if (project) params.set('project', project);
  params.set('steps', JSON.stringify(state.steps));
  params.set('from', state.from);
  params.set('to', state.to);
  params.set('tz', state.timeZone);
  params.set('window', String(state.windowValue));
  params.set('within', state.windowUnit);
  return params;
}

export function toFunnelRequest(state: FunnelState): FunnelRequest {
  return {
    steps: state.steps,
    from: state.from,
    to: state.to,
    timeZone: state.timeZone,
    window: { value: state.windowValue, unit: state.windowUnit },
  };
}
