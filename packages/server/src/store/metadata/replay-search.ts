import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Selects the replays, with their profile's name and email, that a free-text search matches:
 * an exact distinct, user, device or replay id, or a user among `profileIds` (the profiles
 * whose name or email contains the text). A matched user's replays from before login, on a
 * device that `identify` tied to them, match too. The ids are looked up one index at a time
 * and the replays joined after (CROSS JOIN fixes that order in SQLite), because both
 * databases scan every replay when the tests are joined with OR.
 */
export function selectMatchingReplays(
  db: Kysely<Database>,
  projectId: string,
  text: string,
  profileIds: readonly string[],
) {
  const ids = [text, ...profileIds];
  const lookup = () => db.selectFrom('replays').select('id').where('project_id', '=', projectId);
  const owned = db
    .selectFrom('identities')
    .select('device_id')
    .where('project_id', '=', projectId)
    .where('user_id', 'in', ids);
  const found = lookup()
    .where('distinct_id', 'in', ids)
    .unionAll(lookup().where('user_id', 'in', ids))
    .unionAll(lookup().where('device_id', '=', text))
    .unionAll(lookup().where('id', '=', text))
    .unionAll(
      lookup()
        .where('device_id', 'in', owned)
        .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', 'in', ids)])),
    );
  const matching = db.selectFrom(found.as('found')).select('found.id').distinct();
  return db
    .selectFrom(matching.as('m'))
    .crossJoin('replays as r')
    .leftJoin('profiles as p', (join) =>
      join
        .onRef('p.project_id', '=', 'r.project_id')
        .on((eb) => eb('p.distinct_id', '=', eb.fn.coalesce('r.user_id', 'r.distinct_id'))),
    )
    .whereRef('r.id', '=', 'm.id')
    .selectAll('r')
    .select(['p.name as profile_name', 'p.email as profile_email']);
}
