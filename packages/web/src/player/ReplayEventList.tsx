import type { AnalyticsEvent } from '@reprise/protocol';
import { useMemo } from 'react';
import { formatClock } from '../format/time.js';
import type { ApiState } from '../ui/useApi.js';
import { usePlayerState } from './player-hooks.js';
import type { ReplaySession } from './replay-session.js';

interface ListItem {
  key: string;
  kind: 'event' | 'page';
  atMs: number;
  label: string;
  detail: string | null;
}

interface ReplayEventListProps {
  events: ApiState<AnalyticsEvent[]>;
  /** Replay start, Unix ms: positions are measured from it. */
  startMs: number;
  session: ReplaySession | null;
}

/**
 * Lists the replay's analytics events and page loads by time. Clicking one seeks there; the
 * last item at or before the playback position is highlighted.
 */
export function ReplayEventList({ events, startMs, session }: ReplayEventListProps) {
  const state = usePlayerState(session);
  const pageMarkers = state?.markers;
  const items = useMemo(() => {
    const list: ListItem[] = [];
    if (events.status === 'ready') {
      for (const event of events.data) {
        list.push({
          key: `event-${event.insertId}`,
          kind: 'event',
          atMs: Math.max(0, event.time - startMs),
          label: event.name,
          detail: event.currentUrl,
        });
      }
    }
    for (const [index, marker] of (pageMarkers ?? []).entries()) {
      if (marker.kind !== 'page') continue;
      const detail = marker.label ?? null;
      list.push({
        key: `page-${index}`,
        kind: 'page',
        atMs: marker.atMs,
        label: 'Page load',
        detail,
      });
    }
    return list.sort((a, b) => a.atMs - b.atMs);
  }, [events, startMs, pageMarkers]);

  const currentMs = state?.currentMs ?? 0;
  const currentIndex = items.findLastIndex((item) => item.atMs <= currentMs);

  if (events.status === 'loading') return <p className="event-list__note">Loading events…</p>;
  if (events.status === 'error') {
    return (
      <p className="event-list__note" role="alert">
        Could not load the events: {events.error}
      </p>
    );
  }
  if (items.length === 0) {
    return <p className="event-list__note">No analytics events are linked to this replay.</p>;
  }
  return (
    <ol className="event-list" data-testid="replay-event-list">
      {items.map((item, index) => (
        <li key={item.key}>
          <button
            type="button"
            className={`event-list__item event-list__item--${item.kind}${
              index === currentIndex ? ' event-list__item--current' : ''
            }`}
            onClick={() => session?.seek(item.atMs)}
            disabled={!session}
            title={item.detail ?? undefined}
            data-testid="replay-event"
            data-kind={item.kind}
            data-at-ms={item.atMs}
          >
            <span className="event-list__time">{formatClock(item.atMs)}</span>
            <span className="event-list__name">{item.label}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
