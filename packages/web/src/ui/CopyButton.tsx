import { useEffect, useState } from 'react';
import { copyText } from './clipboard.js';

interface CopyButtonProps {
  /** Text to copy, or a function that returns it at click time. */
  text: string | (() => string);
  label: string;
  testId?: string;
  className?: string;
  /** Called with the text when the browser refuses to copy, to show it for copying by hand. */
  onFailure?(text: string): void;
}

type CopyState = 'idle' | 'copied' | 'failed';

function buttonText(state: CopyState, label: string): string {
  if (state === 'copied') return 'Copied';
  if (state === 'failed') return 'Copy failed';
  return label;
}

/** Renders a button that copies text and shows for two seconds whether the copy worked. */
export function CopyButton({ text, label, testId, className, onFailure }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    const value = typeof text === 'function' ? text() : text;
    const copied = await copyText(value);
    setState(copied ? 'copied' : 'failed');
    if (!copied) onFailure?.(value);
  };

  return (
    <button
      type="button"
      className={className ?? 'button'}
      onClick={() => void copy()}
      title={
        state === 'failed' ? 'The browser blocked the clipboard. Copy the text by hand.' : undefined
      }
      data-testid={testId}
      data-copy-state={state}
    >
      {buttonText(state, label)}
    </button>
  );
}
