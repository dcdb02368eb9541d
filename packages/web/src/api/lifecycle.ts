import type {
  DeletionRequest,
  DeletionRequestPage,
  ProjectSettings,
  ProjectSettingsInput,
} from '@reprise/protocol';
import { request } from './client.js';

// Routes of project settings and deletion requests. Times are Unix milliseconds.

export function getProjectSettings(id: string, signal?: AbortSignal): Promise<ProjectSettings> {
  return request(`/api/projects/${encodeURIComponent(id)}`, { signal });
}

/** Changes retention or SDK settings; admins only. */
export function updateProjectSettings(
  id: string,
  input: ProjectSettingsInput,
): Promise<ProjectSettings> {
  return request(`/api/projects/${encodeURIComponent(id)}`, { method: 'PATCH', body: input });
}

/** Lists the project's deletion requests, newest first, without their ids. */
export function listDeletionRequests(
  project: string | undefined,
  signal?: AbortSignal,
): Promise<DeletionRequestPage> {
  return request('/api/deletion-requests', { query: { project }, signal });
}

/** Stores a deletion request; the server starts deleting at once. */
export function createDeletionRequest(
  project: string | undefined,
  distinctIds: string[],
): Promise<DeletionRequest> {
  return request('/api/deletion-requests', {
    method: 'POST',
    query: { project },
    body: { distinctIds },
  });
}
