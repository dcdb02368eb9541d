import type { ReplaySummary } from '@reprise/protocol';
import type { ReactNode } from 'react';
import { formatDateTime, formatDuration } from '../format/time.js';
import { displayUser } from '../format/user.js';

const numberFormat = new Intl.NumberFormat();

/** Returns the URL when it is http(s), so safe to link to, because recorded URLs are untrusted. */
function linkableUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function Fact({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="facts__item">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** Renders the replay's recorded facts beside the player. */
export function ReplayFacts({ replay }: { replay: ReplaySummary }) {
  const firstUrl = linkableUrl(replay.firstUrl);
  return (
    <aside className="facts" aria-label="Replay details" data-testid="replay-facts">
      <h2 className="facts__user" data-testid="replay-facts-user">
        {displayUser(replay)}
      </h2>
      <dl className="facts__list">
        {replay.userEmail && <Fact label="Email">{replay.userEmail}</Fact>}
        <Fact label="Started" testId="replay-facts-started">
          {formatDateTime(replay.startedAt)}
        </Fact>
        <Fact label="Duration">{formatDuration(replay.durationMs)}</Fact>
        <Fact label="Active time">{formatDuration(replay.activeMs)}</Fact>
        <Fact label="First URL">
          {firstUrl ? (
            <a href={firstUrl} target="_blank" rel="noopener noreferrer" className="facts__url">
              {replay.firstUrl}
            </a>
          ) : (
            <span className="facts__url">{replay.firstUrl ?? '–'}</span>
          )}
        </Fact>
        {replay.browser && <Fact label="Browser">{replay.browser}</Fact>}
        {replay.os && <Fact label="Operating system">{replay.os}</Fact>}
        <Fact label="Clicks" testId="replay-facts-clicks">
          {numberFormat.format(replay.clickCount)}
          {replay.rageClickCount > 0 && ` (${numberFormat.format(replay.rageClickCount)} rage)`}
        </Fact>
        {replay.errorCount > 0 && (
          <Fact label="Errors">{numberFormat.format(replay.errorCount)}</Fact>
        )}
        <Fact label="rrweb events">{numberFormat.format(replay.eventCount)}</Fact>
        {replay.userId && <Fact label="User id">{replay.userId}</Fact>}
        {replay.distinctId && <Fact label="Distinct id">{replay.distinctId}</Fact>}
        {replay.deviceId && <Fact label="Device id">{replay.deviceId}</Fact>}
        <Fact label="Replay id">
          <span className="mono">{replay.id}</span>
        </Fact>
      </dl>
    </aside>
  );
}
