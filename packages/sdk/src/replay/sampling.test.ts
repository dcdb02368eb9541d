import { describe, expect, it } from 'vitest';
import { isSampledIn } from './sampling.js';

describe('isSampledIn', () => {
  it.each([
    [0, 0, false],
    [0, 0.999, false],
    [100, 0.999, true],
    [100, 0, true],
    [25, 0.249, true],
    [25, 0.25, false],
    [50, 0.1, true],
    [50, 0.9, false],
    [-5, 0, false],
    [Number.NaN, 0, false],
    [150, 0.99, true],
  ])('percent %d with draw %d is %s', (percent, random, expected) => {
    expect(isSampledIn(percent, random)).toBe(expected);
  });

  it('matches the percent over many draws', () => {
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (isSampledIn(30, i / 10_000)) sampled++;
    expect(sampled).toBe(3000);
  });
});
