/**
 * Responses of the user routes (`/api/users/…`), the analytics events of a replay and the event
 * names of a project. Times are Unix milliseconds.
 */

/** A user: a profile and every id that resolves to one canonical user id. */
export interface UserSummary {
  /** Canonical user id: the user id once the device was identified, else the distinct id. */
  id: string;
  name: string | null;
  email: string | null;
  /** First and last analytics event, Unix ms. */
  firstSeenAt: number;
  lastSeenAt: number;
  eventCount: number;
  replayCount: number;
}

export interface UserPage {
  users: UserSummary[];
  /** Opaque; pass as `cursor` for the next page, `null` on the last page. */
  nextCursor: string | null;
}

export interface UserProfile extends UserSummary {
  /** Profile properties set with `people.set` and the other people operations. */
  properties: Record<string, unknown>;
  /** Device ids that `identify` tied to this user. */
  deviceIds: string[];
  sessionCount: number;
}

/** One stored analytics event. */
export interface AnalyticsEvent {
  insertId: string;
  name: string;
  time: number;
  distinctId: string | null;
  userId: string | null;
  deviceId: string | null;
  replayId: string | null;
  currentUrl: string | null;
  properties: Record<string, unknown>;
}

export interface AnalyticsEventPage {
  events: AnalyticsEvent[];
  nextCursor: string | null;
}

/** Body of `GET /api/replays/{id}/analytics-events`. */
export interface ReplayAnalyticsEvents {
  replayId: string;
  /** Events whose `$mp_replay_id` is the replay, oldest first. */
  events: AnalyticsEvent[];
  /** True when the replay has more linked events than were returned. */
  truncated: boolean;
}

export interface EventNameList {
  /** Event names seen in the project, sorted, then the derived session events. */
  names: Array<{ name: string; derived: boolean }>;
}
