import { z } from 'zod';
import { checkIdCharacters, maxIdentityLength } from './record.js';

/** Maximum length of an event name, in characters. */
export const maxEventNameLength = 255;
/** Maximum number of properties on one event or one profile update. */
export const maxPropertyCount = 1000;
/** Maximum nesting of objects and arrays in one event or profile update, counting the item itself. */
export const maxAnalyticsDepth = 32;
/** Maximum length of a property name, in characters. */
export const maxPropertyNameLength = 255;

const identity = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    checkIdCharacters(
      z
        .string()
        .min(1, 'must not be empty')
        .max(maxIdentityLength, `must be at most ${maxIdentityLength} characters`),
    ),
  );

/** A `$device_id` or `$user_id` of an event, which may be empty (then it is not used). */
const linkedIdentity = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    checkIdCharacters(
      z.string().max(maxIdentityLength, `must be at most ${maxIdentityLength} characters`),
    ),
  );

const propertyMap = z
  .record(
    z
      .string()
      .max(maxPropertyNameLength, `names must be at most ${maxPropertyNameLength} characters`),
    z.unknown(),
  )
  .refine((value) => Object.keys(value).length <= maxPropertyCount, {
    message: `must have at most ${maxPropertyCount} properties`,
    params: { limit: maxPropertyCount },
  });

/**
 * One tracked event as `/track/` receives it. `properties.time` is Unix seconds (a float) from
 * the browser SDKs; a value above 1e11 is read as milliseconds, as Mixpanel's import API does.
 */
export const trackedEventSchema = z.object({
  event: z
    .string()
    .min(1, 'must not be empty')
    .max(maxEventNameLength, `must be at most ${maxEventNameLength} characters`),
  // A pipe, not an intersection: zod raises on an intersection whose sides output different
  // values, which the `distinct_id` transform (a number becomes text) causes.
  properties: propertyMap.pipe(
    z.looseObject({
      token: z.string().min(1, 'must not be empty'),
      distinct_id: identity.optional(),
      $device_id: linkedIdentity.optional(),
      $user_id: linkedIdentity.optional(),
      time: z.number().finite().nonnegative().optional(),
      $insert_id: z.string().max(255, 'must be at most 255 characters').optional(),
      $mp_replay_id: z.string().max(64, 'must be at most 64 characters').optional(),
    }),
  ),
});

export type TrackedEvent = z.infer<typeof trackedEventSchema>;

/** People operations, in the order Reprise applies them when one update holds several. */
export const peopleOperations = [
  '$set',
  '$set_once',
  '$add',
  '$append',
  '$union',
  '$remove',
  '$unset',
  '$delete',
] as const;

export type PeopleOperation = (typeof peopleOperations)[number];

const operationFields = {
  $set: propertyMap.optional(),
  $set_once: propertyMap.optional(),
  $add: z.record(z.string(), z.number({ message: 'values must be numbers' })).optional(),
  $append: propertyMap.optional(),
  $union: z
    .record(z.string(), z.array(z.unknown(), { message: 'values must be lists' }))
    .optional(),
  $remove: propertyMap.optional(),
  $unset: z.array(z.string()).optional(),
  $delete: z.unknown().optional(),
};

/** One profile update as `/engage/` receives it. */
export const peopleUpdateSchema = z.looseObject({
  $token: z.string().min(1, 'must not be empty'),
  $distinct_id: identity,
  $device_id: identity.optional(),
  $user_id: identity.optional(),
  $time: z.number().finite().optional(),
  ...operationFields,
});

export type PeopleUpdate = z.infer<typeof peopleUpdateSchema>;

/**
 * Fields of a profile update besides its operations: the ones `peopleUpdateSchema` reads, and
 * `$ip`, `$ignore_time` and `$had_persisted_distinct_id`, which Reprise accepts and does not use.
 */
export const peopleUpdateFields: readonly string[] = [
  '$token',
  '$distinct_id',
  '$device_id',
  '$user_id',
  '$time',
  '$ip',
  '$ignore_time',
  '$had_persisted_distinct_id',
];

/** One group profile update as `/groups/` receives it. */
export const groupUpdateSchema = z.looseObject({
  $token: z.string().min(1, 'must not be empty'),
  $group_key: z.string().min(1).max(255),
  $group_id: identity,
  ...operationFields,
});

export type GroupUpdate = z.infer<typeof groupUpdateSchema>;

/**
 * Fields of a group update besides its operations: the ones `groupUpdateSchema` reads, and
 * `$time`, `$ip` and `$ignore_time`, which Reprise accepts and does not use.
 */
export const groupUpdateFields: readonly string[] = [
  '$token',
  '$group_key',
  '$group_id',
  '$time',
  '$ip',
  '$ignore_time',
];

/** Converts an event's `time` property to Unix milliseconds. */
export function eventTimeMs(time: number | undefined, receivedAtMs: number): number {
  if (time === undefined) return receivedAtMs;
  return time > 1e11 ? Math.round(time) : Math.round(time * 1000);
}
