import { EventType, IncrementalSource, NodeType, type RrwebEvent } from './event-types.js';

/**
 * rrweb 2.2.2 records a blocked element once, as a box with the size it had then (`rr_width`,
 * `rr_height`), and drops every later change to it. A blocked element sized in percent or by
 * its content would keep its first size in the replay after a resize. This observer watches
 * the blocked elements of each recorded snapshot and addition with a `ResizeObserver`. When a
 * live size changes, it emits a mutation that sets the box's inline `width` and `height`, in
 * rrweb's style-change format, which the Replayer applies also when seeking.
 */

interface SerializedNode {
  id: number;
  type: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

interface Mirror {
  getId(node: Node): number;
  getNode(id: number): Node | null;
}

export interface BlockedSizeObserver {
  /** Starts watching the blocked elements that an event records. Call it for every event. */
  watch(event: RrwebEvent): void;
  disconnect(): void;
}

function sizeOf(element: Element): { width: string; height: string } {
  // Same measure as rrweb's `rr_width`: the border box, transforms included.
  const { width, height } = element.getBoundingClientRect();
  return { width: `${width}px`, height: `${height}px` };
}

function collectBlocked(node: SerializedNode, found: SerializedNode[]): void {
  if (node.type === NodeType.Element && typeof node.attributes?.rr_width === 'string') {
    found.push(node);
  }
  for (const child of node.childNodes ?? []) collectBlocked(child, found);
}

function blockedNodesOf(event: RrwebEvent): SerializedNode[] {
  const found: SerializedNode[] = [];
  if (event.type === EventType.FullSnapshot) {
    collectBlocked((event.data as { node: SerializedNode }).node, found);
  } else if (event.type === EventType.IncrementalSnapshot) {
    const data = event.data as { source: number; adds?: { node: SerializedNode }[] };
    if (data.source !== IncrementalSource.Mutation) return found;
    for (const add of data.adds ?? []) collectBlocked(add.node, found);
  }
  return found;
}

export function observeBlockedSizes(
  mirror: Mirror,
  emit: (event: RrwebEvent) => void,
): BlockedSizeObserver {
  /** The size each watched element has in the replay, as CSS lengths. */
  const recorded = new WeakMap<Element, { width: string; height: string }>();

  const onResize = (entries: ResizeObserverEntry[]) => {
    const changes: { id: number; attributes: Record<string, unknown> }[] = [];
    for (const { target } of entries) {
      const id = mirror.getId(target);
      // A removed element, or one from before the latest full snapshot, is no longer replayed.
      if (id < 0 || !target.isConnected || mirror.getNode(id) !== target) {
        observer?.unobserve(target);
        continue;
      }
      const size = sizeOf(target);
      const last = recorded.get(target);
      if (last?.width === size.width && last.height === size.height) continue;
      recorded.set(target, size);
      changes.push({ id, attributes: { style: { ...size } } });
    }
    if (changes.length === 0) return;
    const data = { source: IncrementalSource.Mutation, texts: [], attributes: changes };
    emit({
      type: EventType.IncrementalSnapshot,
      data: { ...data, removes: [], adds: [] },
      timestamp: Date.now(),
    } as RrwebEvent);
  };
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(onResize) : null;

  return {
    watch(event) {
      if (!observer) return;
      // A new full snapshot gives every node a new id, so earlier observations are stale.
      if (event.type === EventType.FullSnapshot) observer.disconnect();
      for (const node of blockedNodesOf(event)) {
        const element = mirror.getNode(node.id);
        if (element?.nodeType !== 1) continue;
        const attributes = node.attributes!;
        recorded.set(element as Element, {
          width: String(attributes.rr_width),
          height: String(attributes.rr_height),
        });
        observer.observe(element as Element);
      }
    },
    disconnect: () => observer?.disconnect(),
  };
}
