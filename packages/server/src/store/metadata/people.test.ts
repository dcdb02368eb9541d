import { describe, expect, it } from 'vitest';
import { applyPeopleOperations } from './analytics.js';

describe('applyPeopleOperations', () => {
  it('$set replaces values', () => {
    expect(applyPeopleOperations({ a: 1, b: 2 }, { $set: { a: 3 } })).toEqual({ a: 3, b: 2 });
  });

  it('$set_once keeps existing values', () => {
    const result = applyPeopleOperations({ a: 1 }, { $set_once: { a: 2, b: 3 } });
    expect(result).toEqual({ a: 1, b: 3 });
  });

  it('$add sums numbers', () => {
    const result = applyPeopleOperations({ visits: 2 }, { $add: { visits: 3, new: -1 } });
    expect(result).toEqual({ visits: 5, new: -1 });
  });

  it('$add keeps the value on overflow', () => {
    const result = applyPeopleOperations({ total: 1e308 }, { $add: { total: 1e308 } });
    expect(result?.total).toBe(1e308);
  });

  it('$add replaces a non-number', () => {
    expect(applyPeopleOperations({ visits: 'x' }, { $add: { visits: 2 } })).toEqual({ visits: 2 });
  });

  it('$append adds to a list', () => {
    const result = applyPeopleOperations({ pages: ['/a'] }, { $append: { pages: '/b' } });
    expect(result).toEqual({ pages: ['/a', '/b'] });
  });

  it('$append starts a missing list', () => {
    expect(applyPeopleOperations({}, { $append: { pages: '/a' } })).toEqual({ pages: ['/a'] });
  });

  it('$append wraps a scalar', () => {
    const result = applyPeopleOperations({ pages: '/a' }, { $append: { pages: '/b' } });
    expect(result).toEqual({ pages: ['/a', '/b'] });
  });

  it('$union adds missing items only', () => {
    const current = { tags: ['a', { id: 1 }] };
    const result = applyPeopleOperations(current, { $union: { tags: ['a', 'b', { id: 1 }, 'b'] } });
    expect(result).toEqual({ tags: ['a', { id: 1 }, 'b'] });
  });

  it('$remove drops every equal item', () => {
    const result = applyPeopleOperations({ tags: ['a', 'b', 'a'] }, { $remove: { tags: 'a' } });
    expect(result).toEqual({ tags: ['b'] });
  });

  it('$unset deletes names', () => {
    expect(applyPeopleOperations({ a: 1, b: 2 }, { $unset: ['a', 'c'] })).toEqual({ b: 2 });
  });

  it('$delete returns null', () => {
    expect(applyPeopleOperations({ a: 1 }, { $delete: '' })).toBeNull();
  });

  it('applies operations in fixed order', () => {
    // $set runs before $set_once, $add and $unset, whatever the key order of the update.
    const update = {
      $unset: ['gone'],
      $add: { n: 1 },
      $set_once: { n: 100 },
      $set: { n: 5, gone: 1 },
    };
    expect(applyPeopleOperations({}, update)).toEqual({ n: 6 });
  });

  it('leaves the input unchanged', () => {
    const current = { a: 1, tags: ['x'] };
    applyPeopleOperations(current, { $set: { a: 2 }, $unset: ['tags'] });
    expect(current).toEqual({ a: 1, tags: ['x'] });
  });
});
