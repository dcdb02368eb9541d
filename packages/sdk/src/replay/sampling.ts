/**
 * Decides whether a new replay is recorded: true for `percent` out of 100 draws. `random` is a
 * draw in [0, 1). The decision is stored with the replay and never drawn again for it.
 */
export function isSampledIn(percent: number, random: number = Math.random()): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  return random * 100 < percent;
}
