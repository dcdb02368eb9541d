import type { ReplaySummary } from '@reprise/protocol';

type ReplayPerson = Pick<ReplaySummary, 'userName' | 'userEmail' | 'userId' | 'distinctId'>;

/**
 * Returns the name to show for the person in a replay: their name, else email, else user id,
 * else distinct id, else `Anonymous`.
 */
export function displayUser(replay: ReplayPerson): string {
  const candidates = [replay.userName, replay.userEmail, replay.userId, replay.distinctId];
  for (const candidate of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed) return trimmed;
  }
  return 'Anonymous';
}

/**
 * Returns a second line for the person: the email or id that `displayUser` did not show, or
 * null when the replay has no other identifier.
 */
export function displayUserDetail(replay: ReplayPerson): string | null {
  const primary = displayUser(replay);
  const candidates = [replay.userEmail, replay.userId, replay.distinctId];
  for (const candidate of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed && trimmed !== primary) return trimmed;
  }
  return null;
}
