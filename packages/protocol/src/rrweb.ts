import { z } from 'zod';
import type { eventWithTime } from '@rrweb/types';

/**
 * Numeric tags of rrweb events, as rrweb 2.x writes them. They are repeated here as plain
 * constants so that code which only classifies events does not load rrweb.
 */
export const EventType = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
  Asset: 7,
  Annotation: 8,
} as const;

/** Sources of rrweb incremental snapshots (`data.source`). */
export const IncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  Font: 10,
  Log: 11,
  Drag: 12,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
  CustomElement: 16,
} as const;

/** Kinds of `MouseInteraction` incremental snapshots (`data.type`). */
export const MouseInteraction = {
  MouseUp: 0,
  MouseDown: 1,
  Click: 2,
  ContextMenu: 3,
  DblClick: 4,
  Focus: 5,
  Blur: 6,
  TouchStart: 7,
  TouchMove_Departed: 8,
  TouchEnd: 9,
  TouchCancel: 10,
} as const;

/** One rrweb event as recorded in the browser. */
export type RrwebEvent = eventWithTime;

/** Incremental sources that mean a person is using the page. */
export const userInputSources: ReadonlySet<number> = new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.ViewportResize,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.MediaInteraction,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);

/**
 * Envelope of one rrweb event. Only the envelope is checked: the DOM inside a snapshot is
 * untrusted either way, and the player treats it so.
 */
export const rrwebEventSchema = z.looseObject({
  type: z.number().int().min(0).max(8),
  timestamp: z
    .number()
    .finite()
    .positive()
    .max(Number.MAX_SAFE_INTEGER, 'must be a Unix time in milliseconds'),
  data: z.record(z.string(), z.unknown()),
});

/** Returns whether the event is a user's click. */
export function isClick(event: { type: number; data: unknown }): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const data = event.data as { source?: unknown; type?: unknown };
  return data.source === IncrementalSource.MouseInteraction && data.type === MouseInteraction.Click;
}

/** Returns whether the event shows a person using the page (input, pointer, scroll). */
export function isUserInput(event: { type: number; data: unknown }): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const source = (event.data as { source?: unknown }).source;
  return typeof source === 'number' && userInputSources.has(source);
}
