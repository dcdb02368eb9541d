/** Time a page waits for another tab to claim its stored replay, in ms. */
export const claimTimeoutMs = 250;

interface ClaimMessage {
  type: 'ask' | 'claimed';
  replayId: string;
  /** `performance.timeOrigin` of the sender: the page that loaded first keeps the replay. */
  since: number;
}

/**
 * Detects a duplicated tab. Duplicating a tab (or `window.open` of the same origin) copies
 * sessionStorage, so the copy finds the replay of the original. When it continues a stored
 * replay, a page posts an `ask` message with the replay id on a BroadcastChannel of the
 * origin, and delays its uploads until a reply arrives or `claimTimeoutMs` passes. A live page
 * that loaded earlier and owns that replay replies `claimed`, and the copy then moves to a
 * replay of its own. A reload posts the same message, but no page replies because the page it
 * replaces has already been unloaded.
 */
export class TabGuard {
  private readonly channel: BroadcastChannel;
  private readonly since = performance.timeOrigin;
  private ownedReplayId: string | null = null;

  constructor(channelName: string) {
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (event: MessageEvent<ClaimMessage>) => this.answer(event.data);
  }

  /** Sets the replay this page records, so that it replies `claimed` to requests for it. */
  own(replayId: string | null): void {
    this.ownedReplayId = replayId;
  }

  /** Resolves true when another live page, loaded earlier, owns `replayId`. */
  isOwnedElsewhere(replayId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const listener = (event: MessageEvent<ClaimMessage>) => {
        if (event.data?.type !== 'claimed' || event.data.replayId !== replayId) return;
        finish(true);
      };
      const finish = (owned: boolean) => {
        clearTimeout(timer);
        this.channel.removeEventListener('message', listener);
        resolve(owned);
      };
      const timer = setTimeout(() => finish(false), claimTimeoutMs);
      this.channel.addEventListener('message', listener);
      this.post({ type: 'ask', replayId, since: this.since });
    });
  }

  private answer(message: ClaimMessage | undefined): void {
    if (message?.type !== 'ask' || message.replayId !== this.ownedReplayId) return;
    if (this.since < message.since)
      this.post({ type: 'claimed', replayId: message.replayId, since: this.since });
  }

  private post(message: ClaimMessage): void {
    try {
      this.channel.postMessage(message);
    } catch {
      // A closed channel only loses the duplicate check.
    }
  }
}

/** Creates a guard, or null where BroadcastChannel is missing (then no duplicate is detected). */
export function createTabGuard(channelName: string): TabGuard | null {
  try {
    return typeof BroadcastChannel === 'function' ? new TabGuard(channelName) : null;
  } catch {
    return null;
  }
}
