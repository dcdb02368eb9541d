import type { FunnelReport, FunnelStep, WindowUnit } from '@reprise/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { listFunnelReplays, runFunnel } from '../api/index.js';
import { useProjectId } from '../app/project.js';
import { formatDuration } from '../format/time.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { useApi } from '../ui/useApi.js';
import { ReplayLinks } from './ReplayLinks.js';
import { DateRangeFields, EventSelect, useEventNames } from './ReportFields.js';
import {
  formatFunnelState,
  parseFunnelState,
  toFunnelRequest,
  type FunnelState,
} from './report-state.js';
import './reports.css';

interface Selection {
  step: number;
  outcome: 'converted' | 'dropped';
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const count = new Intl.NumberFormat();

function plural(value: number, noun: string): string {
  return `${count.format(value)} ${noun}${value === 1 ? '' : 's'}`;
}

/** Formats a conversion window in the largest whole unit: `1 day`, `36 hours`, `90 minutes`. */
function formatWindow(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const [size, noun] = units.find(([unitMs]) => ms % unitMs === 0) ?? [60_000, 'minute'];
  return plural(Math.round(ms / size), noun);
}

/** Renders `/reports/funnels`: users per step in order, and the replays behind each step. */
export default function FunnelReportPage() {
  const projectId = useProjectId();
  const [searchParams, setSearchParams] = useSearchParams();
  const searchText = searchParams.toString();
  const state = useMemo(
    () => parseFunnelState(new URLSearchParams(searchText), Date.now()),
    [searchText],
  );
  const names = useEventNames(projectId);
  const [selection, setSelection] = useState<Selection | null>(null);
  const change = (next: Partial<FunnelState>) => {
    setSelection(null);
    setSearchParams(formatFunnelState({ ...state, ...next }, projectId));
  };

  const ready = state.steps.length >= 2 && state.steps.every((step) => step.event !== '');
  const request = toFunnelRequest(state);
  const [report, reload] = useApi(
    ready ? `${projectId ?? ''}\n${JSON.stringify(request)}` : null,
    (signal) => runFunnel(request, projectId, signal),
  );

  return (
    <main className="page" data-testid="funnel-page">
      <div className="page__heading">
        <h1 className="page__title">Funnels</h1>
      </div>
      <FunnelEditor state={state} names={names} onChange={change} />
      {!ready && (
        <StatusMessage kind="empty" title="Choose at least two steps">
          A user converts at a step when they do it after the previous step, within the conversion
          window of their first step.
        </StatusMessage>
      )}
      {ready && report.status === 'loading' && (
        <StatusMessage kind="loading" title="Counting users…" />
      )}
      {report.status === 'error' && (
        <StatusMessage kind="error" title="Could not run the funnel" onRetry={reload}>
          {report.error}
        </StatusMessage>
      )}
      {ready && report.status === 'ready' && (
        <FunnelResult report={report.data} selection={selection} onSelect={setSelection} />
      )}
      {ready && report.status === 'ready' && selection && (
        <StepReplays
          state={state}
          report={report.data}
          selection={selection}
          projectId={projectId}
          onClose={() => setSelection(null)}
        />
      )}
    </main>
  );
}

interface EditorProps {
  state: FunnelState;
  names: ReturnType<typeof useEventNames>;
  onChange(next: Partial<FunnelState>): void;
}

function FunnelEditor({ state, names, onChange }: EditorProps) {
  // Steps being edited; the URL gets them once every step has an event.
  const [steps, setSteps] = useState<FunnelStep[]>(() =>
    state.steps.length > 0 ? state.steps : [{ event: '' }, { event: '' }],
  );
  const urlSteps = JSON.stringify(state.steps);
  useEffect(() => {
    if (state.steps.length > 0) setSteps(state.steps);
    // Only a change of the URL's steps (back, forward, a link) refills the editor.
  }, [urlSteps]);

  const update = (next: FunnelStep[]) => {
    setSteps(next);
    if (next.every((step) => step.event !== '')) onChange({ steps: next });
  };
  const setStep = (index: number, step: FunnelStep) =>
    update(steps.map((item, position) => (position === index ? step : item)));

  return (
    <div className="report-controls">
      <ol className="funnel-steps">
        {steps.map((step, index) => (
          <StepEditor
            key={index}
            index={index}
            step={step}
            names={names}
            canRemove={steps.length > 2}
            onChange={(next) => setStep(index, next)}
            onRemove={() => update(steps.filter((_, position) => position !== index))}
          />
        ))}
      </ol>
      <div className="filters">
        <button
          type="button"
          className="button"
          onClick={() => setSteps([...steps, { event: '' }])}
          disabled={steps.length >= 10}
          data-testid="funnel-add-step"
        >
          Add step
        </button>
        <DateRangeFields
          from={state.from}
          to={state.to}
          timeZone={state.timeZone}
          onChange={onChange}
        />
        <label className="filters__field">
          <span className="field__label">Conversion window</span>
          <span className="funnel-window">
            <input
              className="input report-top"
              type="number"
              min={1}
              value={state.windowValue}
              onChange={(event) =>
                onChange({ windowValue: Math.max(1, Number(event.target.value) || 1) })
              }
              data-testid="funnel-window-value"
            />
            <select
              className="select"
              value={state.windowUnit}
              onChange={(event) => onChange({ windowUnit: event.target.value as WindowUnit })}
              data-testid="funnel-window-unit"
            >
              <option value="minute">minutes</option>
              <option value="hour">hours</option>
              <option value="day">days</option>
            </select>
          </span>
        </label>
      </div>
    </div>
  );
}

function StepEditor(props: {
  index: number;
  step: FunnelStep;
  names: ReturnType<typeof useEventNames>;
  canRemove: boolean;
  onChange(step: FunnelStep): void;
  onRemove(): void;
}) {
  const { index, step } = props;
  const [property, setProperty] = useState(step.filter?.property ?? '');
  const [value, setValue] = useState(step.filter?.value ?? '');
  const applyFilter = () => {
    const filter = property.trim() ? { property: property.trim(), value } : undefined;
    props.onChange(filter ? { event: step.event, filter } : { event: step.event });
  };
  return (
    <li className="funnel-steps__step">
      <span className="funnel-steps__number">{index + 1}</span>
      <EventSelect
        names={props.names}
        value={step.event}
        placeholder="Choose an event…"
        onChange={(event) => props.onChange({ ...step, event })}
        testId={`funnel-step-event-${index}`}
      />
      <input
        className="input"
        placeholder="where property"
        value={property}
        onChange={(event) => setProperty(event.target.value)}
        onBlur={applyFilter}
        aria-label={`Step ${index + 1} filter property`}
      />
      <span className="muted">=</span>
      <input
        className="input"
        placeholder="value"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onBlur={applyFilter}
        aria-label={`Step ${index + 1} filter value`}
      />
      {props.canRemove && (
        <button type="button" className="button button--ghost" onClick={props.onRemove}>
          Remove
        </button>
      )}
    </li>
  );
}

function FunnelResult(props: {
  report: FunnelReport;
  selection: Selection | null;
  onSelect(selection: Selection): void;
}) {
  const { report } = props;
  const first = report.steps[0]?.users ?? 0;
  return (
    <section className="card" data-testid="funnel-result">
      <p className="report-hint">
        Conversion window: {formatWindow(report.windowMs)} from the first step. Choose converted or
        dropped-off users of a step to list their replays.
      </p>
      <ol className="funnel-bars">
        {report.steps.map((step, index) => (
          <li key={index} className="funnel-bars__step" data-testid={`funnel-step-${index}`}>
            <div className="funnel-bars__label">
              <strong>
                {index + 1}. {step.event}
              </strong>
              {step.filter && (
                <span className="muted">
                  {' '}
                  where {step.filter.property} = {step.filter.value}
                </span>
              )}
            </div>
            <div className="funnel-bars__track">
              <div
                className="funnel-bars__fill"
                style={{ width: `${first === 0 ? 0 : (step.users / first) * 100}%` }}
              />
            </div>
            <div className="funnel-bars__numbers">
              <span data-testid={`funnel-users-${index}`}>{plural(step.users, 'user')}</span>
              <span>{percent.format(step.conversionFromFirst)} of step 1</span>
              {index > 0 && (
                <span>{percent.format(step.conversionFromPrevious)} from previous</span>
              )}
              {step.medianMsFromPrevious !== null && (
                <span>median {formatDuration(step.medianMsFromPrevious)} from previous</span>
              )}
            </div>
            <div className="funnel-bars__actions">
              <OutcomeButton {...props} step={index} outcome="converted" users={step.users} />
              {index < report.steps.length - 1 && (
                <OutcomeButton
                  {...props}
                  step={index}
                  outcome="dropped"
                  users={step.droppedAfter}
                />
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function OutcomeButton(props: {
  selection: Selection | null;
  onSelect(selection: Selection): void;
  step: number;
  outcome: Selection['outcome'];
  users: number;
}) {
  const selected =
    props.selection?.step === props.step && props.selection.outcome === props.outcome;
  const label = props.outcome === 'converted' ? 'Converted' : 'Dropped off after';
  return (
    <button
      type="button"
      className={selected ? 'button button--primary' : 'button'}
      onClick={() => props.onSelect({ step: props.step, outcome: props.outcome })}
      disabled={props.users === 0}
      aria-pressed={selected}
      data-testid={`funnel-${props.outcome}-${props.step}`}
    >
      {label}: {count.format(props.users)}
    </button>
  );
}

function StepReplays(props: {
  state: FunnelState;
  report: FunnelReport;
  selection: Selection;
  projectId: string | undefined;
  onClose(): void;
}) {
  const { selection, projectId } = props;
  const request = { ...toFunnelRequest(props.state), ...selection };
  const [replays] = useApi(`${projectId ?? ''}\n${JSON.stringify(request)}`, (signal) =>
    listFunnelReplays(request, projectId, signal),
  );
  const step = props.report.steps[selection.step]!;
  const who =
    selection.outcome === 'converted'
      ? `users who reached step ${selection.step + 1} (${step.event})`
      : `users who dropped off after step ${selection.step + 1} (${step.event})`;
  return (
    <ReplayLinks
      title={`Replays of ${who}`}
      replays={replays}
      projectId={projectId}
      onClose={props.onClose}
    />
  );
}
