import { describe, expect, it } from 'vitest';
import {
  clickEvent,
  consoleEvent,
  fullSnapshotEvent,
  metaEvent,
  mutationEvent,
  scrollEvent,
} from '../test-support/rrweb.js';
import { activeTimeMs, computeChunkFacts, countRageClicks } from './facts.js';

const t0 = 1_733_300_000_000;

describe('computeChunkFacts', () => {
  it('finds first and last timestamps unordered', () => {
    const facts = computeChunkFacts([
      mutationEvent(t0 + 500),
      mutationEvent(t0 - 200),
      mutationEvent(t0 + 900),
      mutationEvent(t0),
    ]);
    expect(facts.firstTimestamp).toBe(t0 - 200);
    expect(facts.lastTimestamp).toBe(t0 + 900);
    expect(facts.eventCount).toBe(4);
  });

  it('counts clicks only', () => {
    const facts = computeChunkFacts([
      clickEvent(t0, 0, 0),
      scrollEvent(t0 + 10),
      clickEvent(t0 + 5_000, 500, 500),
      mutationEvent(t0 + 6_000),
    ]);
    expect(facts.clickCount).toBe(2);
    expect(facts.rageClickCount).toBe(0);
  });

  it('flags a full snapshot', () => {
    expect(computeChunkFacts([metaEvent(t0), fullSnapshotEvent(t0)]).hasFullSnapshot).toBe(true);
  });

  it('leaves the flag off without snapshot', () => {
    expect(computeChunkFacts([mutationEvent(t0)]).hasFullSnapshot).toBe(false);
  });

  it('takes earliest full snapshot time', () => {
    const facts = computeChunkFacts([
      mutationEvent(t0),
      fullSnapshotEvent(t0 + 300),
      metaEvent(t0 + 100),
      fullSnapshotEvent(t0 + 101),
    ]);
    expect(facts.fullSnapshotTimestamp).toBe(t0 + 101);
  });

  it('has no snapshot time without snapshot', () => {
    expect(computeChunkFacts([mutationEvent(t0)]).fullSnapshotTimestamp).toBeNull();
  });

  it('takes first URL from Meta', () => {
    const facts = computeChunkFacts([
      mutationEvent(t0),
      metaEvent(t0 + 1, 'https://shop.example/a'),
      metaEvent(t0 + 2, 'https://shop.example/b'),
    ]);
    expect(facts.firstUrl).toBe('https://shop.example/a');
  });

  it('has no URL without Meta', () => {
    expect(computeChunkFacts([mutationEvent(t0)]).firstUrl).toBeNull();
  });

  it('counts console errors only', () => {
    const facts = computeChunkFacts([
      consoleEvent(t0, 'error'),
      consoleEvent(t0 + 1, 'warn'),
      consoleEvent(t0 + 2, 'log'),
      consoleEvent(t0 + 3, 'error'),
    ]);
    expect(facts.errorCount).toBe(2);
  });

  it('ignores errors of other plugins', () => {
    const other = {
      type: 6,
      timestamp: t0,
      data: { plugin: 'rrweb/sequential-id@1', payload: { level: 'error' } },
    };
    expect(computeChunkFacts([other as never]).errorCount).toBe(0);
  });

  it('credits active time for input', () => {
    const facts = computeChunkFacts([
      scrollEvent(t0),
      mutationEvent(t0 + 1_000),
      clickEvent(t0 + 2_000),
    ]);
    expect(facts.activeMs).toBe(3_000);
  });
});

describe('countRageClicks', () => {
  const at = (timestamp: number, x: number, y: number) => ({ timestamp, x, y });

  it('counts three clicks at the edges', () => {
    // Third click exactly 1000 ms after the first and exactly 30 px away (18-24-30 triangle).
    expect(countRageClicks([at(0, 0, 0), at(500, 30, 0), at(1_000, 18, 24)])).toBe(1);
  });

  it('skips a click 1 ms late', () => {
    expect(countRageClicks([at(0, 0, 0), at(500, 0, 0), at(1_001, 0, 0)])).toBe(0);
  });

  it('skips a click just too far', () => {
    expect(countRageClicks([at(0, 0, 0), at(500, 0, 0), at(600, 30.1, 0)])).toBe(0);
  });

  it('skips two clicks', () => {
    expect(countRageClicks([at(0, 0, 0), at(100, 0, 0)])).toBe(0);
  });

  it('counts one burst of many clicks', () => {
    const clicks = [0, 100, 200, 300, 400, 500].map((time) => at(time, 5, 5));
    expect(countRageClicks(clicks)).toBe(1);
  });

  it('counts separate bursts', () => {
    const burst = (start: number, x: number) => [0, 100, 200].map((dt) => at(start + dt, x, 0));
    expect(countRageClicks([...burst(0, 0), ...burst(5_000, 400)])).toBe(2);
  });

  it('sorts clicks by time', () => {
    expect(countRageClicks([at(1_000, 0, 0), at(0, 0, 0), at(500, 0, 0)])).toBe(1);
  });

  it('counts rage clicks in chunk facts', () => {
    const facts = computeChunkFacts([
      clickEvent(t0, 10, 10),
      clickEvent(t0 + 200, 12, 10),
      clickEvent(t0 + 400, 10, 14),
    ]);
    expect(facts.clickCount).toBe(3);
    expect(facts.rageClickCount).toBe(1);
  });
});

describe('activeTimeMs', () => {
  it('is zero without input', () => {
    expect(activeTimeMs([])).toBe(0);
  });

  it('credits one tail for one input', () => {
    expect(activeTimeMs([t0])).toBe(1_000);
  });

  it('joins a gap of exactly 5000 ms', () => {
    expect(activeTimeMs([t0, t0 + 5_000])).toBe(6_000);
  });

  it('splits a gap of 5001 ms', () => {
    expect(activeTimeMs([t0, t0 + 5_001])).toBe(2_000);
  });

  it('sorts unordered times', () => {
    expect(activeTimeMs([t0 + 4_000, t0, t0 + 2_000])).toBe(5_000);
  });
});
