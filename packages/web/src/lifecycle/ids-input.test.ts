import { describe, expect, it } from 'vitest';
import { parseIdList } from './ids-input.js';

describe('parseIdList', () => {
  it('reads one id per line', () => {
    expect(parseIdList(' alice \r\n\n$device:d-1\nalice\n')).toEqual({
      ids: ['alice', '$device:d-1'],
      problem: null,
    });
  });

  it('requires an id', () => {
    expect(parseIdList('\n  \n').problem).toMatch(/at least one/);
  });

  it('rejects 2,001 ids', () => {
    const text = Array.from({ length: 2001 }, (_, index) => `user-${index}`).join('\n');
    expect(parseIdList(text).problem).toMatch(/2001 ids is more than 2000/);
  });

  it('accepts 2,000 ids', () => {
    const text = Array.from({ length: 2000 }, (_, index) => `user-${index}`).join('\n');
    expect(parseIdList(text).problem).toBeNull();
  });

  it('rejects a long id', () => {
    expect(parseIdList(`ok\n${'x'.repeat(256)}`).problem).toMatch(/^Id 2 has 256 characters/);
  });
});
