/**
 * Builds the player link of a replay. `offsetMs` opens at a position from its start (`t`),
 * `atMs` at 3 s before a Unix ms time (`at`), and `userId` lists that user's other replays
 * beside the player (`user`). Kept apart from the player so that linking pages do not load it.
 */
export function playerPath(
  replayId: string,
  options: { projectId?: string; userId?: string; offsetMs?: number; atMs?: number } = {},
): string {
  const params = new URLSearchParams();
  if (options.projectId) params.set('project', options.projectId);
  if (options.userId) params.set('user', options.userId);
  if (options.offsetMs !== undefined) params.set('t', String(Math.round(options.offsetMs)));
  if (options.atMs !== undefined) params.set('at', String(Math.round(options.atMs)));
  const search = params.toString();
  return `/replays/${encodeURIComponent(replayId)}${search ? `?${search}` : ''}`;
}
