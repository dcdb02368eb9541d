import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  eventTimeMs,
  groupUpdateSchema,
  maxEventNameLength,
  maxPropertyCount,
  peopleUpdateSchema,
  trackedEventSchema,
} from './analytics.js';
import { describeIssues, useFriendlyIssueMessages } from './validation.js';

// The server describes problems with these messages; the tests check the same text.
useFriendlyIssueMessages(z);

function issuesOf(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }) {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

describe('trackedEventSchema', () => {
  const valid = {
    event: 'Sign Up',
    properties: {
      token: 'rpt_1',
      distinct_id: 'user-1',
      time: 1733300000.123,
      $insert_id: 'abc123',
      $mp_replay_id: '0b6f7a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      plan: 'pro',
    },
  };

  it('accepts a mixpanel-browser event', () => {
    const event = trackedEventSchema.parse(valid);
    expect(event.event).toBe('Sign Up');
    expect(event.properties.time).toBeCloseTo(1733300000.123);
    expect(event.properties.plan).toBe('pro');
  });

  it('turns a numeric distinct_id into text', () => {
    const event = trackedEventSchema.parse({
      ...valid,
      properties: { token: 't', distinct_id: 42 },
    });
    expect(event.properties.distinct_id).toBe('42');
  });

  it.each([
    [{ properties: { token: 't' } }, 'event: is required'],
    [{ event: '', properties: { token: 't' } }, 'event: must not be empty'],
    [
      { event: 'x'.repeat(maxEventNameLength + 1), properties: { token: 't' } },
      'event: must be at most',
    ],
    [{ event: 'a', properties: {} }, 'properties.token: is required'],
    [{ event: 'a', properties: { token: '' } }, 'properties.token: must not be empty'],
    [{ event: 'a', properties: { token: 't', time: -1 } }, 'properties.time'],
    [{ event: 'a', properties: { token: 't', time: 'now' } }, 'properties.time'],
    [{ event: 'a', properties: { token: 't', distinct_id: '' } }, 'properties.distinct_id'],
    [
      { event: 'a', properties: { token: 't', $insert_id: 'x'.repeat(256) } },
      'properties.$insert_id',
    ],
    [
      { event: 'a', properties: { token: 't', $mp_replay_id: 'x'.repeat(65) } },
      'properties.$mp_replay_id',
    ],
  ])('rejects %j', (input, message) => {
    expect(issuesOf(trackedEventSchema.safeParse(input))).toContain(message);
  });

  it('rejects too many properties', () => {
    const properties: Record<string, unknown> = { token: 't' };
    for (let index = 0; index < maxPropertyCount; index += 1) properties[`p${index}`] = index;
    const issues = issuesOf(trackedEventSchema.safeParse({ event: 'a', properties }));
    expect(issues).toContain(`must have at most ${maxPropertyCount} properties`);
  });
});

describe('peopleUpdateSchema', () => {
  it('accepts every operation', () => {
    const update = peopleUpdateSchema.parse({
      $token: 't',
      $distinct_id: 'u1',
      $device_id: 'd1',
      $user_id: 'u1',
      $set: { $name: 'Ada' },
      $set_once: { first_seen: 1 },
      $add: { visits: 2 },
      $append: { pages: '/cart' },
      $union: { tags: ['a', 'b'] },
      $remove: { tags: 'c' },
      $unset: ['old'],
      $delete: '',
    });
    expect(update.$set).toEqual({ $name: 'Ada' });
    expect(update.$add).toEqual({ visits: 2 });
    expect(update.$unset).toEqual(['old']);
    expect(update.$delete).toBe('');
  });

  it.each([
    [{ $distinct_id: 'u1' }, '$token: is required'],
    [{ $token: 't' }, '$distinct_id'],
    [
      { $token: 't', $distinct_id: 'u1', $add: { visits: 'two' } },
      '$add.visits: values must be numbers',
    ],
    [
      { $token: 't', $distinct_id: 'u1', $union: { tags: 'a' } },
      '$union.tags: values must be lists',
    ],
    [{ $token: 't', $distinct_id: 'u1', $unset: 'old' }, '$unset'],
    [{ $token: 't', $distinct_id: 'u1', $set: ['a'] }, '$set'],
  ])('rejects %j', (input, message) => {
    expect(issuesOf(peopleUpdateSchema.safeParse(input))).toContain(message);
  });
});

describe('groupUpdateSchema', () => {
  it('accepts a group $set', () => {
    const update = groupUpdateSchema.parse({
      $token: 't',
      $group_key: 'company',
      $group_id: 7,
      $set: { name: 'Acme' },
    });
    expect(update.$group_id).toBe('7');
    expect(update.$set).toEqual({ name: 'Acme' });
  });

  it.each([
    [{ $group_key: 'company', $group_id: 'acme' }, '$token: is required'],
    [{ $token: 't', $group_id: 'acme' }, '$group_key: is required'],
    [{ $token: 't', $group_key: '', $group_id: 'acme' }, '$group_key'],
    [{ $token: 't', $group_key: 'company' }, '$group_id'],
  ])('rejects %j', (input, message) => {
    expect(issuesOf(groupUpdateSchema.safeParse(input))).toContain(message);
  });
});

describe('eventTimeMs', () => {
  it('reads seconds as seconds', () => {
    expect(eventTimeMs(1733300000.1234, 0)).toBe(1733300000123);
  });

  it('reads milliseconds as milliseconds', () => {
    expect(eventTimeMs(1733300000123, 0)).toBe(1733300000123);
  });

  it('uses receive time when missing', () => {
    expect(eventTimeMs(undefined, 5_000)).toBe(5_000);
  });

  it('treats small values as seconds', () => {
    expect(eventTimeMs(1e11, 0)).toBe(1e14);
  });
});
