import type { RrwebEvent } from '@reprise/protocol';
import { Replayer } from 'rrweb';
import 'rrweb/dist/style.css';

/** Playback speeds offered by the player. */
export const playbackSpeeds = [0.5, 1, 2, 4, 8] as const;

// rrweb 2.x `EventType.Load`: the Replayer casts nothing for it, so it is a safe no-op.
const loadEvent = 1;

/**
 * Returns a no-op event at `timestamp`. The player puts one at the replay's start and one at
 * its end, from the chunk list, to fix the Replayer's time range. Position 0 is then the
 * replay's start even before the chunk with the first event is in. And the Replayer does not
 * finish when it reaches the last event loaded so far.
 */
export function boundaryEvent(timestamp: number): RrwebEvent {
  return { type: loadEvent, timestamp, data: {} } as RrwebEvent;
}

export interface ReplayerSettings {
  root: HTMLElement;
  speed: number;
  skipInactive: boolean;
}

/**
 * Creates an rrweb Replayer for sanitized events. rrweb 2.2.2 builds its iframe with
 * `sandbox="allow-same-origin"` and no other token unless `UNSAFE_replayCanvas` is set, which
 * Reprise never sets, so recorded scripts and handlers cannot run. Canvas contents therefore
 * do not replay.
 */
export function createReplayer(events: RrwebEvent[], settings: ReplayerSettings): Replayer {
  return new Replayer(events, {
    root: settings.root,
    speed: settings.speed,
    skipInactive: settings.skipInactive,
    // Focusing an element inside the replay would take keyboard focus from the controls.
    triggerFocus: false,
    mouseTail: {
      duration: 400,
      lineCap: 'round',
      lineWidth: 3,
      strokeStyle: 'rgba(79, 70, 229, 0.45)',
    },
    showWarning: true,
    logger: {
      log: () => {},
      warn: (...args: unknown[]) => console.warn('[Reprise player]', ...args),
    },
  });
}
