import { describe, expect, it } from 'vitest';
import { fitScale } from './scale.js';

describe('fitScale', () => {
  it('fits a wide page by width', () => {
    expect(fitScale({ width: 960, height: 600 }, { width: 1920, height: 1080 })).toBe(0.5);
  });

  it('fits a tall page by height', () => {
    expect(fitScale({ width: 960, height: 600 }, { width: 390, height: 1200 })).toBe(0.5);
  });

  it('enlarges a small page', () => {
    expect(fitScale({ width: 1600, height: 900 }, { width: 800, height: 450 })).toBe(2);
  });

  it('returns 1 for unknown sizes', () => {
    expect(fitScale({ width: 0, height: 600 }, { width: 800, height: 600 })).toBe(1);
    expect(fitScale({ width: 800, height: 600 }, { width: 0, height: 0 })).toBe(1);
  });
});
