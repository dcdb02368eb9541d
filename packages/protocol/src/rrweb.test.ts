import { describe, expect, it } from 'vitest';
import {
  EventType,
  IncrementalSource,
  isClick,
  isUserInput,
  MouseInteraction,
  rrwebEventSchema,
} from './rrweb.js';
import { describeIssues } from './validation.js';

const click = {
  type: EventType.IncrementalSnapshot,
  timestamp: 1_000,
  data: { source: IncrementalSource.MouseInteraction, type: MouseInteraction.Click, x: 1, y: 2 },
};

describe('rrwebEventSchema', () => {
  it('accepts an event with extra fields', () => {
    const event = rrwebEventSchema.parse({ ...click, delay: 5 });
    expect(event.delay).toBe(5);
  });

  it.each([
    [{ timestamp: 1, data: {} }, 'type:'],
    [{ type: 9, timestamp: 1, data: {} }, 'type:'],
    [{ type: 1.5, timestamp: 1, data: {} }, 'type:'],
    [{ type: 2, data: {} }, 'timestamp:'],
    [{ type: 2, timestamp: 0, data: {} }, 'timestamp:'],
    [{ type: 2, timestamp: '1', data: {} }, 'timestamp:'],
    [{ type: 2, timestamp: 1e300, data: {} }, 'timestamp: must be a Unix time in milliseconds'],
    [{ type: 2, timestamp: 1 }, 'data:'],
    [{ type: 2, timestamp: 1, data: [] }, 'data:'],
  ])('rejects %j', (input, message) => {
    const result = rrwebEventSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(message);
  });
});

describe('isClick', () => {
  it('accepts a click', () => {
    expect(isClick(click)).toBe(true);
  });

  it('rejects a mouse down', () => {
    expect(isClick({ ...click, data: { ...click.data, type: MouseInteraction.MouseDown } })).toBe(
      false,
    );
  });

  it('rejects a custom event', () => {
    expect(isClick({ ...click, type: EventType.Custom })).toBe(false);
  });
});

describe('isUserInput', () => {
  it('accepts scroll and input', () => {
    const scroll = { type: 3, data: { source: IncrementalSource.Scroll } };
    const input = { type: 3, data: { source: IncrementalSource.Input } };
    expect(isUserInput(scroll)).toBe(true);
    expect(isUserInput(input)).toBe(true);
  });

  it('rejects a mutation', () => {
    expect(isUserInput({ type: 3, data: { source: IncrementalSource.Mutation } })).toBe(false);
  });

  it('rejects a full snapshot', () => {
    expect(isUserInput({ type: EventType.FullSnapshot, data: { source: 1 } })).toBe(false);
  });
});
