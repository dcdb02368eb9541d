import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from './validation.js';

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
