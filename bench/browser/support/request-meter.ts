import type { Page } from 'playwright-core';

/** A request that the page's own scripts sent, as the request meter saw it. */
export interface MeteredRequest {
  /** The API used: `fetch`, `xhr` or `beacon`. */
  api: string;
  method: string;
  url: string;
  /** Body bytes as passed to the API; -1 for a body whose size the page cannot read. */
  bodyBytes: number;
  /** When the page made the call, Unix ms. */
  at: number;
}

/**
 * Runs in every document before its own scripts: wraps `fetch`, `XMLHttpRequest` and
 * `navigator.sendBeacon` to note each request's method, URL and body size in
 * `window.__benchRequests`. The body size is read from what the caller passed (string, Blob,
 * buffer or URLSearchParams); a FormData or stream body counts as -1.
 */
const meterScript = `
window.__benchRequests = [];
(() => {
  const encoder = new TextEncoder();
  const sizeOf = (body) => {
    if (body == null) return 0;
    if (typeof body === 'string') return encoder.encode(body).length;
    if (body instanceof Blob) return body.size;
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
    if (body instanceof URLSearchParams) return encoder.encode(body.toString()).length;
    return -1;
  };
  const note = (api, url, method, bodyBytes) => {
    try {
      window.__benchRequests.push({
        api,
        method: String(method || 'GET').toUpperCase(),
        url: new URL(String(url), location.href).href,
        bodyBytes,
        at: Date.now(),
      });
    } catch {}
  };
  const nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    const request = input instanceof Request ? input : null;
    let bodyBytes = 0;
    if (init && 'body' in init) bodyBytes = sizeOf(init.body);
    else if (request && request.body) bodyBytes = -1;
    const method = (init && init.method) || (request && request.method);
    note('fetch', request ? request.url : input, method, bodyBytes);
    return nativeFetch.apply(this, arguments);
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__benchTarget = [method, url];
    return open.apply(this, arguments);
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    const [method, url] = this.__benchTarget || [];
    note('xhr', url, method, sizeOf(body));
    return send.apply(this, arguments);
  };
  if (navigator.sendBeacon) {
    const beacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      note('beacon', url, 'POST', sizeOf(data));
      return beacon(url, data);
    };
  }
})();
`;

/**
 * Counts the requests of a page: those its scripts send, with their body sizes, from a wrapper
 * around the page's request APIs, and the CORS preflights that the browser adds, from the
 * DevTools protocol. Attach before the page loads.
 */
export class RequestMeter {
  private readonly preflights: Array<{ url: string; at: number }> = [];

  private constructor(private readonly page: Page) {}

  static async attach(page: Page): Promise<RequestMeter> {
    const meter = new RequestMeter(page);
    await page.addInitScript(meterScript);
    const cdp = await page.context().newCDPSession(page);
    cdp.on('Network.requestWillBeSent', (event) => {
      if (event.request.method === 'OPTIONS') {
        meter.preflights.push({ url: event.request.url, at: Date.now() });
      }
    });
    await cdp.send('Network.enable');
    return meter;
  }

  /** Returns the requests to `origin` that the page sent since it loaded. */
  async requests(origin: string): Promise<MeteredRequest[]> {
    const all = (await this.page.evaluate('window.__benchRequests || []')) as MeteredRequest[];
    return all.filter((request) => request.url.startsWith(origin));
  }

  /** Returns the preflights to `origin` since the meter was attached, with their times. */
  preflightsTo(origin: string): Array<{ url: string; at: number }> {
    return this.preflights.filter((preflight) => preflight.url.startsWith(origin));
  }
}
