import {
  startRecordingProxy,
  type InjectedReply,
  type ReceivedRequest,
  type RecordingProxy,
} from './recording-proxy.js';

/** A reply that the fault proxy sends in place of the target's, for matching requests. */
export interface Fault {
  /** Which requests get the fault's reply. */
  matches: (request: ReceivedRequest) => boolean;
  status: number;
  /** Extra response headers, for example `Retry-After`. */
  headers?: Record<string, string>;
  /** How many matching requests get the fault's reply before it is used up. Default: 1. */
  times?: number;
  /**
   * Forwards the request and replaces the target's reply but not its CORS headers, as when a
   * reply is lost after the server stored the request. Default: false, the request never
   * reaches the target and the proxy adds the CORS headers that Reprise sends.
   */
  afterForwarding?: boolean;
}

export interface FaultProxy extends RecordingProxy {
  /** Adds a fault; faults are tried in the order they were added. */
  inject(fault: Fault): void;
  /** Removes every fault that is not used up yet. */
  clearFaults(): void;
}

/**
 * Builds the reply of a fault the way Reprise's ingestion routes reply: a JSON error body and
 * CORS headers for credentialed requests, so that the SDK can read the status, the body and
 * `Retry-After`. A fault after forwarding keeps the target's own CORS headers instead.
 */
function faultReply(request: ReceivedRequest, fault: Fault): InjectedReply {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    ...fault.headers,
  };
  const origin = request.headers.origin;
  if (origin && !fault.afterForwarding) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Credentials'] = 'true';
    headers['Access-Control-Expose-Headers'] = 'Retry-After';
    headers.Vary = 'Origin';
  }
  const body = { status: 0, error: `Fault injected by the test proxy: ${fault.status}` };
  return {
    status: fault.status,
    headers,
    body: JSON.stringify(body),
    forward: fault.afterForwarding === true,
  };
}

/**
 * Starts a recording proxy on 127.0.0.1 in front of `target` that replies to chosen requests with
 * a chosen status and headers, and forwards the rest unchanged. Preflights (OPTIONS) are always
 * forwarded, so the browser checks the target's own CORS replies. Every request,
 * replied to or forwarded, is kept in `requests`.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Array<Fault & { left: number }> = [];
  const proxy = await startRecordingProxy(target, {
    intercept: (request) => {
      if (request.method === 'OPTIONS') return undefined;
      const fault = faults.find((candidate) => candidate.left > 0 && candidate.matches(request));
      if (!fault) return undefined;
      fault.left -= 1;
      return faultReply(request, fault);
    },
  });
  return {
    ...proxy,
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    clearFaults: () => void faults.splice(0),
  };
}
