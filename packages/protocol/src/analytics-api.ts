/**
 * Requests and responses of the analytics query API: users, event reports, funnels and the
 * replays behind a point of a report. Times are Unix milliseconds unless a name says otherwise.
 */
import { z } from 'zod';
import { maxEventNameLength, maxPropertyNameLength } from './analytics.js';

/** Name of the derived event at the first event of each session. */
export const sessionStartEvent = 'Session Start';
/** Name of the derived event at the last event of each session. */
export const sessionEndEvent = 'Session End';
/** A gap of this many ms or more between two events of a user starts a new session. */
export const sessionGapMs = 30 * 60 * 1000;

/** Maximum number of event names in one event report. */
export const maxReportEvents = 10;
/** Maximum number of steps in one funnel. */
export const maxFunnelSteps = 10;
/** Maximum number of breakdown values shown before the rest is grouped as "other". */
export const maxBreakdownValues = 20;
/** Maximum length of a report's date range, in days, for units `day` and `week`. */
export const maxReportDays = 366;
/** Maximum length of a report's date range, in days, for unit `hour`. */
export const maxHourlyReportDays = 31;
/** Maximum funnel conversion window, in days. */
export const maxConversionWindowDays = 90;
/** Maximum length of a drill-down interval (one bucket of a report), in days. */
export const maxBucketDays = 8;
/** Maximum number of replays in one drill-down list. */
export const maxReplayLinks = 100;

export type TimeUnit = 'hour' | 'day' | 'week';
export type ReportMeasure = 'total' | 'unique';
export type WindowUnit = 'minute' | 'hour' | 'day';

const dayMs = 24 * 60 * 60 * 1000;

/** Returns whether `name` is an IANA time zone that this runtime supports. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Returns the Unix ms of UTC midnight of a `yyyy-mm-dd` date, or null when it is no date. */
export function parseDateOnly(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  const isSameDay =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return isSameDay ? ms : null;
}

const eventName = z
  .string({ message: 'is required' })
  .min(1, 'must not be empty')
  .max(maxEventNameLength, `must be at most ${maxEventNameLength} characters`);

function isPathSafe(name: string): boolean {
  for (const character of name) {
    const code = character.codePointAt(0)!;
    if (code < 0x20 || character === '"' || character === '\\') return false;
  }
  return true;
}

/**
 * Property names are read with SQLite's JSON paths, which cannot quote a double quote, so names
 * containing one are rejected.
 */
const propertyName = z
  .string({ message: 'is required' })
  .min(1, 'must not be empty')
  .max(maxPropertyNameLength, `must be at most ${maxPropertyNameLength} characters`)
  .refine(isPathSafe, {
    message: 'must not contain double quotes, backslashes or control characters',
  });

const localDate = z
  .string({ message: 'is required' })
  .refine((text) => parseDateOnly(text) !== null, { message: 'must be a date as yyyy-mm-dd' });

const timeZone = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(isTimeZone, { message: 'must be an IANA time zone name such as Europe/Paris' });

/** Days from `from` to `to`, both included; NaN when either is not a date. */
function rangeDays(from: string, to: string): number {
  const start = parseDateOnly(from);
  const end = parseDateOnly(to);
  if (start === null || end === null) return Number.NaN;
  return (end - start) / dayMs + 1;
}

/** Checks `to` against `from` and the maximum range of the unit; adds the issue on `to`. */
function checkDateRange(
  range: { from: string; to: string; unit?: TimeUnit },
  context: z.RefinementCtx,
): void {
  const days = rangeDays(range.from, range.to);
  if (Number.isNaN(days)) return;
  if (days < 1) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
    return;
  }
  const maxDays = range.unit === 'hour' ? maxHourlyReportDays : maxReportDays;
  if (days > maxDays) {
    const unit = range.unit ?? 'day';
    context.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be at most ${maxDays} days after from (both included) for unit ${unit}; got ${days} days`,
      params: { limit: maxDays },
    });
  }
}

const breakdownSchema = z.object({
  property: propertyName,
  /** Number of values shown as their own series; the rest are summed as "other". */
  limit: z
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(maxBreakdownValues, `must be at most ${maxBreakdownValues}`)
    .default(5),
});

/** Body of `POST /api/reports/events`. */
export const eventReportRequestSchema = z
  .object({
    events: z
      .array(eventName, { message: 'must be a list of event names' })
      .min(1, 'must have at least 1 event name')
      .max(maxReportEvents, `must have at most ${maxReportEvents} event names`),
    /** First local day, `yyyy-mm-dd`, in `timeZone`. */
    from: localDate,
    /** Last local day, included. */
    to: localDate,
    unit: z.enum(['hour', 'day', 'week']).default('day'),
    timeZone: timeZone.default('UTC'),
    measure: z.enum(['total', 'unique']).default('total'),
    breakdown: breakdownSchema.optional(),
  })
  .superRefine(checkDateRange);

export type EventReportRequest = z.input<typeof eventReportRequestSchema>;
export type EventReportQuery = z.output<typeof eventReportRequestSchema>;

export interface ReportBucket {
  /** First ms of the bucket: a local midnight (day, week) or the start of a local hour. */
  start: number;
  /** First ms after the bucket. */
  end: number;
  /** Local date (`yyyy-mm-dd`) or local hour (`yyyy-mm-dd HH:00`) of `start`. */
  label: string;
}

export interface EventSeries {
  event: string;
  /** Breakdown value of this series; null for events without the property. */
  value?: string | null;
  /** True for the series that sums every value outside the top ones. */
  isOther?: boolean;
  /** One number per bucket: events, or distinct users within the bucket. */
  values: number[];
  /** Events over the whole range, or distinct users over the whole range. */
  total: number;
}

/** Body of a `POST /api/reports/events` response. */
export interface EventReport {
  unit: TimeUnit;
  timeZone: string;
  measure: ReportMeasure;
  buckets: ReportBucket[];
  series: EventSeries[];
}

/** The series of a broken-down report whose replays a drill-down lists. */
const seriesFilterSchema = z.object({
  property: propertyName,
  /** The series' value; null for events without the property. Ignored when `otherThan` is set. */
  value: z.string().max(1000, 'must be at most 1000 characters').nullable().optional(),
  /** For the "other" series: the values of the top series, which are excluded. */
  otherThan: z
    .array(z.string().max(1000).nullable())
    .max(maxBreakdownValues, `must have at most ${maxBreakdownValues} values`)
    .optional(),
});

const replayLimit = z
  .number()
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(maxReplayLinks, `must be at most ${maxReplayLinks}`)
  .default(50);

/** Body of `POST /api/reports/events/replays`: the replays behind one point of a chart. */
export const eventReplaysRequestSchema = z
  .object({
    event: eventName,
    /** Bucket start, Unix ms. */
    start: z.number().int('must be an integer').nonnegative('must not be negative'),
    /** Bucket end (excluded), Unix ms. */
    end: z.number().int('must be an integer').nonnegative('must not be negative'),
    series: seriesFilterSchema.optional(),
    limit: replayLimit,
  })
  .superRefine((input, context) => {
    if (input.end <= input.start) {
      context.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    } else if (input.end - input.start > maxBucketDays * dayMs) {
      context.addIssue({
        code: 'custom',
        path: ['end'],
        message: `must be at most ${maxBucketDays} days after start`,
        params: { limit: maxBucketDays },
      });
    }
  });

export type EventReplaysRequest = z.input<typeof eventReplaysRequestSchema>;

/** One replay behind a point of a report, opened at the moment the event fired. */
export interface ReportReplay {
  replayId: string;
  /** Canonical user id of the person (see the identity rule in the server's analytics docs). */
  userId: string;
  userName: string | null;
  userEmail: string | null;
  eventName: string;
  /** When the event fired, Unix ms. */
  eventAt: number;
  replayStartedAt: number;
  replayDurationMs: number;
  /** Position to open the player at, ms from the replay's start: 3 s before the event. */
  offsetMs: number;
  /** `replay_id`: the event carried `$mp_replay_id`; `time`: a replay of the user covered it. */
  linkedBy: 'replay_id' | 'time';
}

export interface ReportReplayList {
  replays: ReportReplay[];
  /** Events looked at; a bucket with more events than were looked at may have more replays. */
  scannedEvents: number;
}

const stepFilterSchema = z.object({
  property: propertyName,
  /** Compared with the property's value as text: `12`, `true` and `pro` match. */
  value: z.string().max(1000, 'must be at most 1000 characters'),
});

export const funnelStepSchema = z.object({
  event: eventName,
  filter: stepFilterSchema.optional(),
});

export type FunnelStep = z.infer<typeof funnelStepSchema>;

const windowMsByUnit: Record<WindowUnit, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: dayMs,
};

/** Returns a conversion window's length in ms. */
export function conversionWindowMs(window: { value: number; unit: WindowUnit }): number {
  return window.value * windowMsByUnit[window.unit];
}

const windowSchema = z
  .object({
    value: z.number().int('must be an integer').min(1, 'must be at least 1'),
    unit: z.enum(['minute', 'hour', 'day']),
  })
  .superRefine((window, context) => {
    if (conversionWindowMs(window) > maxConversionWindowDays * dayMs) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: `must make a window of at most ${maxConversionWindowDays} days`,
        params: { limit: maxConversionWindowDays },
      });
    }
  });

const funnelFields = {
  steps: z
    .array(funnelStepSchema, { message: 'must be a list of steps' })
    .min(2, 'must have at least 2 steps')
    .max(maxFunnelSteps, `must have at most ${maxFunnelSteps} steps`),
  /** First local day on which users may enter the funnel (do its first step). */
  from: localDate,
  /** Last local day on which users may enter the funnel, included. */
  to: localDate,
  timeZone: timeZone.default('UTC'),
  window: windowSchema.default({ value: 1, unit: 'day' }),
};

/** Body of `POST /api/reports/funnels`. */
export const funnelRequestSchema = z.object(funnelFields).superRefine(checkDateRange);

export type FunnelRequest = z.input<typeof funnelRequestSchema>;
export type FunnelQuery = z.output<typeof funnelRequestSchema>;

export interface FunnelStepResult {
  event: string;
  filter?: { property: string; value: string };
  /** Users who reached this step, in order, within the window. */
  users: number;
  /** Share of the previous step's users who reached this one; 1 for the first step. */
  conversionFromPrevious: number;
  /** Share of the first step's users who reached this one. */
  conversionFromFirst: number;
  /** Users who reached this step and not the next one; 0 for the last step. */
  droppedAfter: number;
  /** Median ms from the previous step to this one among users who reached it; null for step 1. */
  medianMsFromPrevious: number | null;
}

/** Body of a `POST /api/reports/funnels` response. */
export interface FunnelReport {
  steps: FunnelStepResult[];
  /** When users may enter: local midnight of `from` to local midnight after `to`. */
  enterFrom: number;
  enterUntil: number;
  windowMs: number;
}

/** Body of `POST /api/reports/funnels/replays`: replays of the users of one step. */
export const funnelReplaysRequestSchema = z
  .object({
    ...funnelFields,
    /** Step index, from 0. */
    step: z.number().int('must be an integer').nonnegative('must not be negative'),
    /**
     * `converted`: users who reached the step, opened at its event. `dropped`: users who
     * reached the step and not the next, opened at the same event, the last step they reached.
     */
    outcome: z.enum(['converted', 'dropped']),
    limit: replayLimit,
  })
  .superRefine(checkDateRange)
  .superRefine((input, context) => {
    const last = input.steps.length - 1;
    if (input.step > last) {
      context.addIssue({
        code: 'custom',
        path: ['step'],
        message: `must be at most ${last}, the last step's index`,
        params: { limit: last },
      });
    } else if (input.outcome === 'dropped' && input.step === last) {
      context.addIssue({
        code: 'custom',
        path: ['step'],
        message:
          'must not be the last step for outcome dropped, because no user drops off after it',
      });
    }
  });

export type FunnelReplaysRequest = z.input<typeof funnelReplaysRequestSchema>;
