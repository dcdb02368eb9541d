import type { RecordQuery } from '@reprise/protocol';
import type { ResolvedConfig } from '../config.js';
import { libName, libVersion } from '../version.js';
import { postOnce } from './http.js';
import type { SendOutcome } from './response.js';

/** Ingestion routes the SDK posts to. */
export type IngestionPath = '/record/' | '/track/' | '/engage/';

/** Identity a replay batch is sent under: the one it was recorded with. */
export interface RecordIdentity {
  distinct_id: string;
  $device_id: string;
  $user_id?: string;
}

/** Facts of one `/record/` batch, turned into its query by `buildRecordQuery`. */
export interface RecordBatchMeta {
  replayId: string;
  seq: number;
  identity: RecordIdentity;
  /** Unix ms of the batch's first rrweb event. */
  batchStartMs: number;
  /** Unix ms of the replay's first rrweb event. */
  replayStartMs: number;
  replayLengthMs: number;
  replayStartUrl: string;
  currentUrl: string;
}

type QueryFields = { [key in keyof RecordQuery]?: string };

/** Builds the `/record/` query, without `sent_at`, which is set on every try. */
export function buildRecordQuery(meta: RecordBatchMeta, format: 'gzip' | 'body'): string {
  const fields: QueryFields = {
    replay_id: meta.replayId,
    seq: String(meta.seq),
    format,
    distinct_id: meta.identity.distinct_id,
    $device_id: meta.identity.$device_id,
    batch_start_time: String(meta.batchStartMs / 1000),
    replay_start_time: String(meta.replayStartMs / 1000),
    replay_length_ms: String(Math.max(0, Math.round(meta.replayLengthMs))),
    replay_start_url: meta.replayStartUrl,
    $current_url: meta.currentUrl,
    mp_lib: libName,
    $lib_version: libVersion,
  };
  if (meta.identity.$user_id) fields.$user_id = meta.identity.$user_id;
  return new URLSearchParams(fields as Record<string, string>).toString();
}

/** Sends one `/record/` try; `query` comes from `buildRecordQuery`. */
export function postRecord(
  config: ResolvedConfig,
  query: string,
  body: Blob | string,
  keepalive: boolean,
): Promise<SendOutcome> {
  // The token goes in the query and the body as text/plain, which makes the upload a CORS
  // simple request. Every upload has its own URL and so misses the browser's preflight cache,
  // so an Authorization header would add one preflight per upload.
  const token = encodeURIComponent(config.token);
  const url = `${config.api_host}/record/?${query}&token=${token}&sent_at=${Date.now()}`;
  const headers = { 'Content-Type': 'text/plain' };
  return postOnce(url, { headers, body, keepalive, requireJson: true });
}

/** Sends one `/track/` or `/engage/` try with a body from `encodeFormBody`. */
export function postForm(
  config: ResolvedConfig,
  path: '/track/' | '/engage/',
  body: string,
  keepalive: boolean,
): Promise<SendOutcome> {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const url = `${config.api_host}${path}?verbose=1`;
  return postOnce(url, { headers, body, keepalive, requireJson: false });
}
