import { describe, expect, it } from 'vitest';
import { peopleOperation } from './people.js';

describe('peopleOperation', () => {
  it.each([
    ['$set', 'name', 'Ada', { name: 'Ada' }],
    ['$set', { name: 'Ada', plan: 'pro' }, undefined, { name: 'Ada', plan: 'pro' }],
    ['$set_once', 'first_seen', 'today', { first_seen: 'today' }],
    ['$add', 'logins', undefined, { logins: 1 }],
    ['$add', 'credits', 5, { credits: 5 }],
    ['$add', { a: 1, b: 'x' }, undefined, { a: 1 }],
    ['$append', 'tags', 'a', { tags: 'a' }],
    ['$union', 'plans', ['pro'], { plans: ['pro'] }],
    ['$union', { plans: 'pro' }, undefined, { plans: ['pro'] }],
    ['$unset', 'legacy', undefined, ['legacy']],
    ['$unset', ['a', 'b', 3], undefined, ['a', 'b']],
  ] as const)('%s %j', (operation, nameOrMap, value, expected) => {
    expect(peopleOperation(operation, nameOrMap, value)).toEqual(expected);
  });

  it.each([
    ['$set', null],
    ['$set', 7],
    ['$add', { a: 'x' }],
    ['$unset', 5],
  ] as const)('%s of %j sends nothing', (operation, nameOrMap) => {
    expect(peopleOperation(operation, nameOrMap, undefined)).toBeNull();
  });
});
