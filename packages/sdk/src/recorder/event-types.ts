import type { RrwebEvent } from '@reprise/protocol';

// The numeric tags of rrweb 2.x events. `@reprise/protocol` exports the same constants, but
// importing a value from it would also bundle its validators (zod), so only its types are used.
export const EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5 } as const;

/**
 * Tag of the custom event recorded just before the meta event of a periodic full snapshot, so
 * that the player does not show that meta event as a page load.
 */
export const checkoutTag = 'reprise.checkout';
export const IncrementalSource = { Mutation: 0, MouseInteraction: 2, Input: 5 } as const;
export const MouseInteractionType = { Click: 2 } as const;
export const NodeType = { Element: 2, Text: 3 } as const;

/** Incremental sources that show a person using the page (pointer, keys, scroll, resize). */
const userInputSources = new Set([1, 2, 3, 4, 5, 6, 7, 12, 14]);

/** Incremental sources of discrete actions: click, scroll, input, media, selection. */
const userActionSources = new Set([2, 3, 5, 7, 14]);

export type { RrwebEvent };

export function isUserInput(event: RrwebEvent): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  return userInputSources.has((event.data as { source: number }).source);
}

export function isUserAction(event: RrwebEvent): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  return userActionSources.has((event.data as { source: number }).source);
}

/** Number of nodes a mutation event adds; 0 for other events. */
export function addedNodesOf(event: RrwebEvent): number {
  if (event.type !== EventType.IncrementalSnapshot) return 0;
  const data = event.data as { source: number; adds?: unknown[] };
  return data.source === IncrementalSource.Mutation ? (data.adds?.length ?? 0) : 0;
}
