import type { ReactNode } from 'react';

export type StatusKind = 'loading' | 'empty' | 'error' | 'not-found';

interface StatusMessageProps {
  kind: StatusKind;
  title: string;
  children?: ReactNode;
  /** Shows a "Try again" button that calls this. */
  onRetry?: () => void;
  testId?: string;
}

/** Renders a centred message for a page or panel that has nothing else to show yet. */
export function StatusMessage({ kind, title, children, onRetry, testId }: StatusMessageProps) {
  const role = kind === 'error' ? 'alert' : 'status';
  return (
    <div className={`status status--${kind}`} role={role} data-testid={testId ?? `status-${kind}`}>
      {kind === 'loading' && <span className="spinner" aria-hidden="true" />}
      <p className="status__title">{title}</p>
      {children && <div className="status__detail">{children}</div>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
