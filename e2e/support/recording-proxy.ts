import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request that passed through the proxy, body as sent and decompressed. */
export interface ProxiedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Body as text: gunzipped when gzip, and with base64 `data=` fields decoded too. */
  decodedText: string;
  /** Status the client got. */
  status: number;
  /** When the proxy had read the whole request, Unix milliseconds. */
  receivedAt: number;
  /** Whether `intercept` replaced the target's reply. */
  injected: boolean;
  /** Status the target sent, or null when the request never reached it. */
  targetStatus: number | null;
}

/** A request as `intercept` receives it, before it is forwarded. */
export type ReceivedRequest = Omit<ProxiedRequest, 'status' | 'injected' | 'targetStatus'>;

/** A reply that `intercept` sends in place of the target's. */
export interface InjectedReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * Forwards the request first and replaces the target's reply, as when a response is lost
   * after the server stored the request. The target's CORS headers (`Access-Control-*`,
   * `Vary`) are kept. Default: false, the request never reaches the target.
   */
  forward?: boolean;
}

export interface RecordingProxyOptions {
  /** Runs for each request before it is forwarded; a reply it returns goes to the client. */
  intercept?: (request: ReceivedRequest) => InjectedReply | undefined;
}

export interface RecordingProxy {
  origin: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

function decodeBody(body: Buffer): string {
  const isGzip = body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
  const text = (isGzip ? gunzipSync(body) : body).toString('utf8');
  if (!/(^|&)data=/.test(text)) return text;
  // Analytics requests carry base64 JSON in data=; decode it so searches see the JSON.
  const data = new URLSearchParams(text).get('data') ?? '';
  const decoded =
    data.startsWith('[') || data.startsWith('{')
      ? data
      : Buffer.from(data, 'base64').toString('utf8');
  return `${text}\n${decoded}`;
}

/**
 * Starts a reverse proxy on 127.0.0.1 that forwards every request to `target` and keeps a
 * copy of each request body. Pages loaded through the proxy send their SDK traffic through it
 * too (same origin), so tests see exactly what went over the wire, with no request routing
 * inside the browser.
 */
export async function startRecordingProxy(
  target: string,
  options: RecordingProxyOptions = {},
): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const targetUrl = new URL(target);

  const forward = (
    received: ReceivedRequest,
    path: string,
    onResponse: (response: IncomingMessage) => void,
    onError: (error: Error) => void,
  ) => {
    const upstream = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: received.method,
        path,
        headers: { ...received.headers, host: targetUrl.host },
      },
      onResponse,
    );
    upstream.on('error', onError);
    upstream.end(received.rawBody);
  };

  const server = createServer((incoming, outgoing) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(parts);
      const received: ReceivedRequest = {
        method: incoming.method ?? 'GET',
        url: new URL(incoming.url ?? '/', 'http://proxy'),
        headers: incoming.headers,
        rawBody,
        decodedText: rawBody.length > 0 ? decodeBody(rawBody) : '',
        receivedAt: Date.now(),
      };
      const injected = options.intercept?.(received);
      const sendInjected = (
        reply: InjectedReply,
        targetStatus: number | null,
        targetHeaders: IncomingHttpHeaders = {},
      ) => {
        requests.push({ ...received, status: reply.status, injected: true, targetStatus });
        const cors = Object.entries(targetHeaders).filter(
          ([name]) => name.startsWith('access-control-') || name === 'vary',
        );
        outgoing
          .writeHead(reply.status, { ...Object.fromEntries(cors), ...reply.headers })
          .end(reply.body);
      };
      if (injected && !injected.forward) return sendInjected(injected, null);

      forward(
        received,
        incoming.url ?? '/',
        (response) => {
          const targetStatus = response.statusCode ?? 0;
          if (injected) {
            response.resume();
            response.on('end', () => sendInjected(injected, targetStatus, response.headers));
            return;
          }
          requests.push({ ...received, status: targetStatus, injected: false, targetStatus });
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
        (error) => {
          outgoing.writeHead(502, { 'Content-Type': 'application/json' });
          outgoing.end(JSON.stringify({ status: 0, error: `proxy: ${error.message}` }));
        },
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
