import type {
  AnalyticsEventPage,
  EventNameList,
  EventReplaysRequest,
  EventReport,
  EventReportRequest,
  FunnelReplaysRequest,
  FunnelReport,
  FunnelRequest,
  ReplayAnalyticsEvents,
  ReplayPage,
  ReportReplayList,
  UserPage,
  UserProfile,
} from '@reprise/protocol';
import { request } from './client.js';

// Routes of the analytics API: users, event reports, funnels and their replays.

export interface PageQuery {
  project?: string;
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

const userPath = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export function listUsers(
  query: PageQuery & { q?: string },
  signal?: AbortSignal,
): Promise<UserPage> {
  return request('/api/users', { query: { ...query }, signal });
}

/** Returns a user's profile; `id` may be a user id, a device id or a `$device:` distinct id. */
export function getUser(
  id: string,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<UserProfile> {
  return request(userPath(id), { query: { project }, signal });
}

export function listUserEvents(
  id: string,
  query: PageQuery,
  signal?: AbortSignal,
): Promise<AnalyticsEventPage> {
  return request(`${userPath(id)}/events`, { query: { ...query }, signal });
}

export function listUserReplays(
  id: string,
  query: PageQuery,
  signal?: AbortSignal,
): Promise<ReplayPage> {
  return request(`${userPath(id)}/replays`, { query: { ...query }, signal });
}

export function listEventNames(
  project: string | undefined,
  signal?: AbortSignal,
): Promise<EventNameList> {
  return request('/api/event-names', { query: { project }, signal });
}

export function runEventReport(
  body: EventReportRequest,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<EventReport> {
  return request('/api/reports/events', { method: 'POST', query: { project }, body, signal });
}

export function listEventReplays(
  body: EventReplaysRequest,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<ReportReplayList> {
  return request('/api/reports/events/replays', {
    method: 'POST',
    query: { project },
    body,
    signal,
  });
}

export function runFunnel(
  body: FunnelRequest,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<FunnelReport> {
  return request('/api/reports/funnels', { method: 'POST', query: { project }, body, signal });
}

export function listFunnelReplays(
  body: FunnelReplaysRequest,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<ReportReplayList> {
  return request('/api/reports/funnels/replays', {
    method: 'POST',
    query: { project },
    body,
    signal,
  });
}

/** Returns the analytics events linked to a replay, oldest first. */
export function getReplayAnalyticsEvents(
  id: string,
  project: string | undefined,
  signal?: AbortSignal,
): Promise<ReplayAnalyticsEvents> {
  return request(`/api/replays/${encodeURIComponent(id)}/analytics-events`, {
    query: { project },
    signal,
  });
}
