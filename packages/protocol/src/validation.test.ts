import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, friendlyIssueMessage, isNestedDeeperThan } from './validation.js';

const schema = z.object({
  a: z.string({ message: 'is required' }),
  b: z.number({ message: 'must be a number' }),
  c: z.boolean({ message: 'must be true or false' }),
  d: z.string({ message: 'is required' }),
  nested: z.object({ list: z.array(z.number({ message: 'must be a number' })) }).optional(),
});

describe('describeIssues', () => {
  it('names the field by its path', () => {
    const result = schema.safeParse({
      a: 'x',
      b: 1,
      c: true,
      d: 'y',
      nested: { list: [1, 'two'] },
    });
    expect(describeIssues(result.error!)).toBe('nested.list.1: must be a number');
  });

  it('names the body at the root', () => {
    const result = z.array(z.number()).safeParse('text');
    expect(describeIssues(result.error!)).toMatch(/^body: /);
  });

  it('lists three problems, then counts the rest', () => {
    const result = schema.safeParse({});
    const text = describeIssues(result.error!);
    expect(text).toContain('a: is required');
    expect(text).toContain('b: must be a number');
    expect(text).toContain('c: must be true or false');
    expect(text).not.toContain('d: is required');
    expect(text).toMatch(/and 1 more problem$/);
  });

  it('pluralizes the count', () => {
    const result = schema.safeParse({});
    expect(describeIssues(result.error!, 1)).toMatch(/and 3 more problems$/);
  });
});

describe('isNestedDeeperThan', () => {
  function nested(depth: number): unknown {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { value };
    return value;
  }

  it('accepts nesting at the limit', () => {
    expect(isNestedDeeperThan(nested(32), 32)).toBe(false);
  });

  it('rejects nesting over the limit', () => {
    expect(isNestedDeeperThan(nested(33), 32)).toBe(true);
  });

  it('walks 100,000 levels without overflow', () => {
    expect(isNestedDeeperThan(nested(100_000), 32)).toBe(true);
  });

  it('ignores scalars', () => {
    expect(isNestedDeeperThan('text', 0)).toBe(false);
    expect(isNestedDeeperThan(null, 0)).toBe(false);
  });
});

describe('friendlyIssueMessage', () => {
  const schema = z.object({
    limit: z.coerce.number().int().min(1).max(100),
    name: z.string().max(3),
    sort: z.enum(['recent', 'duration']),
    email: z.email(),
    ids: z.array(z.string()).max(2),
  });

  function messages(input: unknown): string[] {
    const result = schema.safeParse(input, {
      error: (issue) => friendlyIssueMessage(issue),
    });
    return result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
  }

  it('names the limits in plain words', () => {
    expect(
      messages({ limit: '500', name: 'abcd', sort: 'new', email: 'x', ids: ['a', 'b', 'c'] }),
    ).toEqual([
      'limit: must be at most 100',
      'name: must be at most 3 characters',
      'sort: must be one of: recent, duration',
      'email: must be an email address',
      'ids: must have at most 2 items',
    ]);
  });

  it('says a missing field is required', () => {
    expect(messages({})[0]).toBe('limit: must be a number');
    expect(messages({ limit: 5 })).toContain('name: is required');
  });
});
