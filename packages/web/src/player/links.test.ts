import { describe, expect, it } from 'vitest';
import { playerPath } from './links.js';
import { parseStartTime } from './timeline.js';

describe('playerPath', () => {
  it('keeps project, user and time', () => {
    const path = playerPath('r 1', { projectId: 'p', userId: '$device:d1', offsetMs: 1234.6 });
    expect(path).toBe('/replays/r%201?project=p&user=%24device%3Ad1&t=1235');
  });

  it('leaves out empty options', () => {
    expect(playerPath('r1')).toBe('/replays/r1');
  });
});

describe('parseStartTime', () => {
  const bounds = { startMs: 10_000, endMs: 70_000 };

  it('opens 3 s before the time', () => {
    expect(parseStartTime('25000', bounds)).toBe(12_000);
  });

  it('stays within the replay', () => {
    expect(parseStartTime('11000', bounds)).toBe(0);
    expect(parseStartTime('999000', bounds)).toBe(60_000);
  });

  it('ignores invalid values', () => {
    expect(parseStartTime(null, bounds)).toBeNull();
    expect(parseStartTime('soon', bounds)).toBeNull();
    expect(parseStartTime('25000', null)).toBeNull();
  });
});
