import type { EventNameList } from '@reprise/protocol';
import { listEventNames } from '../api/index.js';
import { useApi, type ApiState } from '../ui/useApi.js';

/** Loads the event names of the project for the pickers. */
export function useEventNames(projectId: string | undefined): ApiState<EventNameList> {
  const [names] = useApi(projectId ?? '', (signal) => listEventNames(projectId, signal));
  return names;
}

/** IANA zones that the browser supports, suggested by the time zone field. */
const timeZones: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

interface DateRangeFieldsProps {
  from: string;
  to: string;
  timeZone: string;
  onChange(next: { from: string; to: string; timeZone: string }): void;
}

/** Renders the first and last day and the time zone of a report. */
export function DateRangeFields({ from, to, timeZone, onChange }: DateRangeFieldsProps) {
  return (
    <>
      <label className="filters__field">
        <span className="field__label">From</span>
        <input
          className="input"
          type="date"
          value={from}
          max={to}
          onChange={(event) => onChange({ from: event.target.value, to, timeZone })}
          data-testid="report-from"
        />
      </label>
      <label className="filters__field">
        <span className="field__label">To</span>
        <input
          className="input"
          type="date"
          value={to}
          min={from}
          onChange={(event) => onChange({ from, to: event.target.value, timeZone })}
          data-testid="report-to"
        />
      </label>
      <label className="filters__field">
        <span className="field__label">Time zone</span>
        <input
          className="input report-timezone"
          list="report-time-zones"
          value={timeZone}
          onChange={(event) => onChange({ from, to, timeZone: event.target.value })}
          data-testid="report-timezone"
        />
        <datalist id="report-time-zones">
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
    </>
  );
}

interface EventSelectProps {
  names: ApiState<EventNameList>;
  value: string;
  onChange(name: string): void;
  /** Text of the empty choice. */
  placeholder: string;
  testId: string;
  /** Names not offered, for example those already picked. */
  exclude?: readonly string[];
}

/** Renders a select of the project's event names, the derived session events last. */
export function EventSelect(props: EventSelectProps) {
  const names = props.names.status === 'ready' ? props.names.data.names : [];
  const offered = names.filter(
    (item) => item.name === props.value || !props.exclude?.includes(item.name),
  );
  // A name from a link may be missing from the list (no event of it yet): keep it selectable.
  const known = offered.some((item) => item.name === props.value);
  return (
    <select
      className="select"
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
      disabled={props.names.status !== 'ready'}
      data-testid={props.testId}
    >
      <option value="">{props.names.status === 'loading' ? 'Loading…' : props.placeholder}</option>
      {props.value && !known && <option value={props.value}>{props.value}</option>}
      <optgroup label="Events">
        {offered
          .filter((item) => !item.derived)
          .map((item) => (
            <option key={item.name} value={item.name}>
              {item.name}
            </option>
          ))}
      </optgroup>
      <optgroup label="Derived from sessions (30 min gap)">
        {offered
          .filter((item) => item.derived)
          .map((item) => (
            <option key={item.name} value={item.name}>
              {item.name}
            </option>
          ))}
      </optgroup>
    </select>
  );
}
