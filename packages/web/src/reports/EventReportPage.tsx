import type { EventReplaysRequest, EventReport, TimeUnit } from '@reprise/protocol';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { listEventReplays, runEventReport } from '../api/index.js';
import { useProjectId } from '../app/project.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { useApi } from '../ui/useApi.js';
import { EventChart, seriesLabel } from './EventChart.js';
import { ReplayLinks } from './ReplayLinks.js';
import { DateRangeFields, EventSelect, useEventNames } from './ReportFields.js';
import {
  formatEventReportState,
  parseEventReportState,
  toEventReportRequest,
  type EventReportState,
} from './report-state.js';
import './reports.css';

/** A clicked point: bucket and series indexes, from 0. */
interface Selection {
  bucket: number;
  series: number;
}

/** Renders `/reports/events`: events or unique users over time, with replays behind each point. */
export default function EventReportPage() {
  const projectId = useProjectId();
  const [searchParams, setSearchParams] = useSearchParams();
  const searchText = searchParams.toString();
  const state = useMemo(
    () => parseEventReportState(new URLSearchParams(searchText), Date.now()),
    [searchText],
  );
  const names = useEventNames(projectId);
  const [selection, setSelection] = useState<Selection | null>(null);

  const change = (next: Partial<EventReportState>) => {
    setSelection(null);
    setSearchParams(formatEventReportState({ ...state, ...next }, projectId));
  };
  const request = toEventReportRequest(state);
  const [report, reload] = useApi(
    state.events.length > 0 ? `${projectId ?? ''}\n${JSON.stringify(request)}` : null,
    (signal) => runEventReport(request, projectId, signal),
  );

  return (
    <main className="page" data-testid="event-report-page">
      <div className="page__heading">
        <h1 className="page__title">Events</h1>
      </div>
      <EventReportControls state={state} names={names} onChange={change} />
      {state.events.length === 0 && (
        <StatusMessage kind="empty" title="Pick an event to chart">
          Choose one or more events above. Session Start and Session End count the sessions of your
          users, where 30 minutes without events start a new one.
        </StatusMessage>
      )}
      {state.events.length > 0 && report.status === 'loading' && (
        <StatusMessage kind="loading" title="Counting events…" />
      )}
      {report.status === 'error' && (
        <StatusMessage kind="error" title="Could not run the report" onRetry={reload}>
          {report.error}
        </StatusMessage>
      )}
      {state.events.length > 0 && report.status === 'ready' && (
        <section className="card">
          <p className="report-hint">
            Click a point of the chart to list the replays in which the event fired.
          </p>
          <EventChart
            report={report.data}
            onPointClick={(bucket, series) => setSelection({ bucket, series: series - 1 })}
          />
          <SeriesTotals report={report.data} />
        </section>
      )}
      {report.status === 'ready' && selection && (
        <PointReplays
          report={report.data}
          selection={selection}
          breakdown={state.breakdown}
          projectId={projectId}
          onClose={() => setSelection(null)}
        />
      )}
    </main>
  );
}

interface ControlsProps {
  state: EventReportState;
  names: ReturnType<typeof useEventNames>;
  onChange(next: Partial<EventReportState>): void;
}

function EventReportControls({ state, names, onChange }: ControlsProps) {
  const [breakdown, setBreakdown] = useState(state.breakdown);
  return (
    <div className="report-controls">
      <div className="report-controls__events" data-testid="report-events">
        {state.events.map((event) => (
          <span key={event} className="chip">
            {event}
            <button
              type="button"
              className="chip__remove"
              aria-label={`Remove ${event}`}
              onClick={() => onChange({ events: state.events.filter((name) => name !== event) })}
            >
              ×
            </button>
          </span>
        ))}
        <EventSelect
          names={names}
          value=""
          placeholder={state.events.length === 0 ? 'Choose an event…' : 'Add an event…'}
          exclude={state.events}
          onChange={(name) => name && onChange({ events: [...state.events, name] })}
          testId="report-add-event"
        />
      </div>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          onChange({ breakdown: breakdown.trim() });
        }}
      >
        <DateRangeFields
          from={state.from}
          to={state.to}
          timeZone={state.timeZone}
          onChange={onChange}
        />
        <label className="filters__field">
          <span className="field__label">Per</span>
          <select
            className="select"
            value={state.unit}
            onChange={(event) => onChange({ unit: event.target.value as TimeUnit })}
            data-testid="report-unit"
          >
            <option value="hour">Hour</option>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </label>
        <label className="filters__field">
          <span className="field__label">Count</span>
          <select
            className="select"
            value={state.measure}
            onChange={(event) => onChange({ measure: event.target.value as 'total' | 'unique' })}
            data-testid="report-measure"
          >
            <option value="total">Events</option>
            <option value="unique">Unique users</option>
          </select>
        </label>
        <label className="filters__field">
          <span className="field__label">Breakdown by property</span>
          <input
            className="input"
            value={breakdown}
            placeholder="For example plan"
            onChange={(event) => setBreakdown(event.target.value)}
            onBlur={() =>
              breakdown.trim() !== state.breakdown && onChange({ breakdown: breakdown.trim() })
            }
            data-testid="report-breakdown"
          />
        </label>
        {state.breakdown && (
          <label className="filters__field">
            <span className="field__label">Top values</span>
            <input
              className="input report-top"
              type="number"
              min={1}
              max={20}
              value={state.top}
              onChange={(event) => onChange({ top: Number(event.target.value) || 1 })}
            />
          </label>
        )}
      </form>
    </div>
  );
}

function noun(measure: EventReport['measure'], total: number): string {
  const word = measure === 'unique' ? 'user' : 'event';
  return total === 1 ? word : `${word}s`;
}

function SeriesTotals({ report }: { report: EventReport }) {
  const format = new Intl.NumberFormat();
  return (
    <ul className="series-totals" data-testid="series-totals">
      {report.series.map((series, index) => (
        <li key={`${seriesLabel(series)}-${index}`}>
          <span className="series-totals__label">{seriesLabel(series)}</span>
          <span className="series-totals__value">
            {format.format(series.total)} {noun(report.measure, series.total)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Builds the drill-down of a point; `property` is the report's breakdown property, if any. */
function drillDownRequest(
  report: EventReport,
  selection: Selection,
  property: string,
): EventReplaysRequest {
  const bucket = report.buckets[selection.bucket]!;
  const series = report.series[selection.series]!;
  const request: EventReplaysRequest = {
    event: series.event,
    start: bucket.start,
    end: bucket.end,
  };
  if (!property || (series.value === undefined && !series.isOther)) return request;
  if (series.isOther) {
    const top = report.series
      .filter((item) => item.event === series.event && !item.isOther)
      .map((item) => item.value ?? null);
    return { ...request, series: { property, otherThan: top } };
  }
  return { ...request, series: { property, value: series.value ?? null } };
}

function PointReplays(props: {
  report: EventReport;
  selection: Selection;
  breakdown: string;
  projectId: string | undefined;
  onClose(): void;
}) {
  const { report, selection, projectId } = props;
  const request = drillDownRequest(report, selection, props.breakdown);
  const [replays] = useApi(`${projectId ?? ''}\n${JSON.stringify(request)}`, (signal) =>
    listEventReplays(request, projectId, signal),
  );
  const bucket = report.buckets[selection.bucket]!;
  const series = report.series[selection.series]!;
  return (
    <ReplayLinks
      title={`Replays: ${seriesLabel(series)}, ${bucket.label}`}
      replays={replays}
      projectId={projectId}
      onClose={props.onClose}
    />
  );
}
