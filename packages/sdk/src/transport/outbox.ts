import type { ResolvedConfig } from '../config.js';
import type { JsonStore } from '../core/storage.js';
import { sendWithRetry } from './http.js';
import { postForm, postRecord, type IngestionPath } from './requests.js';

/**
 * One request kept in localStorage when a page was hidden before it could send it. `/record/`
 * items carry their query (replay id, seq and identity as recorded) and a plain JSON body;
 * `/track/` and `/engage/` items carry their form body.
 */
export interface OutboxItem {
  path: IngestionPath;
  query: string;
  body: string;
}

/** Maximum characters the outbox keeps in localStorage; the oldest items go first. */
export const maxOutboxChars = 2_000_000;

function itemChars(item: OutboxItem): number {
  return item.query.length + item.body.length;
}

/** Requests that the next page load of the same origin sends. */
export class Outbox {
  constructor(
    private readonly store: JsonStore,
    private readonly key: string,
  ) {}

  add(items: OutboxItem[]): void {
    if (items.length === 0) return;
    const all = [...(this.store.read<OutboxItem[]>(this.key) ?? []), ...items];
    let chars = all.reduce((sum, item) => sum + itemChars(item), 0);
    while (all.length > 0 && chars > maxOutboxChars) chars -= itemChars(all.shift()!);
    while (all.length > 0 && !this.store.write(this.key, all))
      all.splice(0, Math.ceil(all.length / 2));
  }

  /** Removes and returns every stored item. */
  takeAll(): OutboxItem[] {
    const items = this.store.read<OutboxItem[]>(this.key);
    this.store.remove(this.key);
    return Array.isArray(items) ? items : [];
  }
}

/**
 * Sends one stored request, with retries. The stored batches of the replay that a page
 * continues do not come here: its recorder sends them, and halves them on 413.
 * NOTE: a `/record/` batch sent here (another tab's replay, an expired one, or batches that are
 * not one gap-free run) is dropped on 413. Each half would need a seq of its own, and the seqs
 * after it may already be taken.
 */
export function sendOutboxItem(config: ResolvedConfig, item: OutboxItem, keepalive = false) {
  return sendWithRetry(() =>
    item.path === '/record/'
      ? postRecord(config, item.query, item.body, keepalive)
      : postForm(config, item.path, item.body, keepalive),
  );
}
