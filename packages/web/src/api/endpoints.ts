import type {
  ChunkList,
  Invite,
  Member,
  MemberRole,
  ReplayPage,
  ReplaySort,
  ReplaySummary,
  Session,
} from '@reprise/protocol';
import { request, type RequestOptions } from './client.js';

// Every route of the Reprise API that the web app calls. Times are Unix milliseconds.

export function login(email: string, password: string): Promise<Session> {
  return request('/api/auth/login', {
    method: 'POST',
    body: { email, password },
    redirectOnUnauthorized: false,
  });
}

export function logout(): Promise<void> {
  return request('/api/auth/logout', { method: 'POST', redirectOnUnauthorized: false });
}

/** Returns the logged-in member, or throws an ApiError with status 401 when no one is logged in. */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return request('/api/auth/session', { signal, redirectOnUnauthorized: false });
}

export interface ReplayQuery {
  project?: string;
  /** Exact distinct, user, device or replay id, or part of the user's name or email. */
  q?: string;
  /** Earliest start time, Unix ms. */
  from?: number;
  /** Latest start time, Unix ms. */
  to?: number;
  sort?: ReplaySort;
  /** Page size, 1 to 100. */
  limit?: number;
  cursor?: string;
}

export function listReplays(query: ReplayQuery, signal?: AbortSignal): Promise<ReplayPage> {
  return request('/api/replays', { query: { ...query }, signal });
}

/** Options of the reads of one replay's data. */
export type ReplayReadOptions = Pick<RequestOptions, 'signal' | 'redirectOnUnauthorized'>;

export function getReplay(
  id: string,
  project: string | undefined,
  options: ReplayReadOptions = {},
): Promise<ReplaySummary> {
  return request(`/api/replays/${encodeURIComponent(id)}`, { ...options, query: { project } });
}

export function listChunks(
  id: string,
  project: string | undefined,
  options: ReplayReadOptions = {},
): Promise<ChunkList> {
  return request(`/api/replays/${encodeURIComponent(id)}/chunks`, {
    ...options,
    query: { project },
  });
}

/** Returns the chunk's rrweb events as parsed JSON. The content is untrusted and unchecked. */
export function getChunkEvents(
  id: string,
  seq: number,
  project: string | undefined,
  options: ReplayReadOptions = {},
): Promise<unknown> {
  return request(`/api/replays/${encodeURIComponent(id)}/chunks/${seq}`, {
    ...options,
    query: { project },
  });
}

export function listMembers(signal?: AbortSignal): Promise<Member[]> {
  return request('/api/members', { signal });
}

/**
 * Adds a teammate. With a password, the account is ready and the server returns the Member.
 * Without one, the server returns an Invite, whose link the admin sends to the teammate.
 */
export function addMember(input: {
  email: string;
  role: MemberRole;
  password?: string;
}): Promise<Member | Invite> {
  return request('/api/members', { method: 'POST', body: input });
}

export function removeMember(id: string): Promise<void> {
  return request(`/api/members/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function getInvite(token: string, signal?: AbortSignal): Promise<{ email: string }> {
  return request(`/api/invites/${encodeURIComponent(token)}`, {
    signal,
    redirectOnUnauthorized: false,
  });
}

export function acceptInvite(token: string, password: string): Promise<Session> {
  return request(`/api/invites/${encodeURIComponent(token)}/accept`, {
    method: 'POST',
    body: { password },
    redirectOnUnauthorized: false,
  });
}
