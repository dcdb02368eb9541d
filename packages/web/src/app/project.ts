import { useSearchParams } from 'react-router-dom';

/**
 * Returns the project id from the `project` URL parameter, or undefined, which the API reads
 * as the first project of the session.
 */
export function useProjectId(): string | undefined {
  const [searchParams] = useSearchParams();
  return searchParams.get('project') || undefined;
}

/** Returns `?project=<id>` for links that keep the current project, or an empty string. */
export function projectSearch(projectId: string | undefined): string {
  return projectId ? `?project=${encodeURIComponent(projectId)}` : '';
}
