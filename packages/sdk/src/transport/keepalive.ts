/**
 * The Fetch Standard fails a `keepalive` request when the bodies of all keepalive requests in
 * flight from one page would exceed 64 KiB, and Chromium applies that limit. Reprise leaves
 * 4 KiB of it to the page's own requests.
 */
export const keepaliveBudgetBytes = 60 * 1024;

/** Bytes of keepalive bodies that Reprise has in flight, so it stays under the browser's cap. */
export class KeepaliveBudget {
  private usedBytes = 0;

  constructor(private readonly limitBytes = keepaliveBudgetBytes) {}

  /** Reserves `bytes` and returns true, or returns false when they do not fit. */
  take(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** Byte length of a request body as the browser counts it. */
export function bodyBytes(body: string | Blob): number {
  return typeof body === 'string' ? new TextEncoder().encode(body).length : body.size;
}
