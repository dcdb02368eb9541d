import { expect, it } from 'vitest';
import { describeEachStore } from '../../test-support/stores.js';
import type { EventRow } from './index.js';
import { readJsonObject } from './json.js';

function eventRow(insertId: string, overrides: Partial<EventRow> = {}): EventRow {
  return {
    project_id: 'p1',
    insert_id: insertId,
    name: 'Sign Up',
    distinct_id: 'u1',
    device_id: null,
    user_id: null,
    time_ms: 1_000,
    replay_id: null,
    current_url: null,
    properties: '{}',
    received_at: 2_000,
    ...overrides,
  };
}

describeEachStore('analytics store', (store) => {
  it('insertEvents counts new rows only', async () => {
    const analytics = store().analytics;
    expect(await analytics.insertEvents([eventRow('i1'), eventRow('i2')])).toBe(2);
    expect(await analytics.insertEvents([eventRow('i1'), eventRow('i3')])).toBe(1);
    expect(await analytics.insertEvents([eventRow('i1', { name: 'Changed' })])).toBe(0);
  });

  it('insertEvents skips repeats in one batch', async () => {
    expect(await store().analytics.insertEvents([eventRow('dup'), eventRow('dup')])).toBe(1);
  });

  it('insertEvents keys by project', async () => {
    const rows = [eventRow('shared'), eventRow('shared', { project_id: 'p2' })];
    expect(await store().analytics.insertEvents(rows)).toBe(2);
  });

  it('insertEvents stores large batches', async () => {
    const rows = Array.from({ length: 1_201 }, (_, index) => eventRow(`bulk-${index}`));
    expect(await store().analytics.insertEvents(rows)).toBe(1_201);
  });

  it('lists events of a replay by time', async () => {
    await store().analytics.insertEvents([
      eventRow('r-late', { replay_id: 'replay-1', time_ms: 3_000 }),
      eventRow('r-early', { replay_id: 'replay-1', time_ms: 1_000 }),
      eventRow('r-other', { replay_id: 'replay-2', time_ms: 2_000 }),
    ]);
    const rows = await store().analytics.listEventsOfReplay('p1', 'replay-1');
    expect(rows.map((row) => row.insert_id)).toEqual(['r-early', 'r-late']);
  });

  it('applies profile updates in order', async () => {
    const update = (operations: object) => ({ $token: 't', $distinct_id: 'ada', ...operations });
    await store().analytics.applyPeopleUpdates(
      'p1',
      [
        update({ $set: { $name: 'Ada', plan: 'free', visits: 1 } }),
        update({ $set: { plan: 'pro' }, $add: { visits: 2 } }),
        update({ $set_once: { plan: 'trial', $email: 'Ada@Example.COM' } }),
        update({ $unset: ['visits'] }),
      ],
      10_000,
    );

    const profile = await store().analytics.getProfile('p1', 'ada');
    expect(readJsonObject(profile?.properties)).toEqual({
      $name: 'Ada',
      plan: 'pro',
      $email: 'Ada@Example.COM',
    });
    expect(profile?.name).toBe('Ada');
    expect(profile?.email).toBe('ada@example.com');
    expect(profile?.created_at).toBe(10_000);
  });

  it('keeps created_at on update', async () => {
    const analytics = store().analytics;
    await analytics.applyPeopleUpdates('p1', [{ $token: 't', $distinct_id: 'bo', $set: {} }], 1);
    const next = [
      { $token: 't', $distinct_id: 'bo', $set: { $first_name: 'Bo', $last_name: 'Li' } },
    ];
    await analytics.applyPeopleUpdates('p1', next, 2);
    const profile = await analytics.getProfile('p1', 'bo');
    expect(profile?.created_at).toBe(1);
    expect(profile?.updated_at).toBe(2);
    expect(profile?.name).toBe('Bo Li');
  });

  it('$delete removes a profile', async () => {
    const analytics = store().analytics;
    await analytics.applyPeopleUpdates(
      'p1',
      [
        { $token: 't', $distinct_id: 'gone', $set: { a: 1 } },
        { $token: 't', $distinct_id: 'gone', $delete: '' },
      ],
      1,
    );
    expect(await analytics.getProfile('p1', 'gone')).toBeUndefined();
  });

  it('recordIdentity keeps the first user', async () => {
    const analytics = store().analytics;
    await analytics.recordIdentity('p1', 'device-1', 'first-user', 1);
    await analytics.recordIdentity('p1', 'device-1', 'second-user', 2);
    const rows = await store()
      .connection.db.selectFrom('identities')
      .selectAll()
      .where('device_id', '=', 'device-1')
      .execute();
    expect(rows.map((row) => row.user_id)).toEqual(['first-user']);
  });

  it('updates and deletes group profiles', async () => {
    const analytics = store().analytics;
    const read = async () => {
      const row = await store()
        .connection.db.selectFrom('group_profiles')
        .selectAll()
        .where('group_id', '=', 'acme')
        .executeTakeFirst();
      return row ? readJsonObject(row.properties) : undefined;
    };

    await analytics.setGroupProperties('p1', 'company', 'acme', () => ({ seats: 5 }), 1);
    await analytics.setGroupProperties(
      'p1',
      'company',
      'acme',
      (current) => ({ ...current, plan: 'pro' }),
      2,
    );
    expect(await read()).toEqual({ seats: 5, plan: 'pro' });

    await analytics.setGroupProperties('p1', 'company', 'acme', () => null, 3);
    expect(await read()).toBeUndefined();
  });
});
