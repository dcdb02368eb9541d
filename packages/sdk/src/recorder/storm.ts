import type { addedNodeMutation, mutationCallbackParam, serializedNodeWithId } from '@rrweb/types';
import { createScheduler } from './tasks.js';

/**
 * Mutation storms: a page that adds tens of thousands of nodes in one task (a data grid that
 * re-renders, a long list replaced at once). rrweb's recorder serializes every added node inside
 * the MutationObserver callback, which runs in the page's own task, so a 100,000-node grid made
 * the page's longest task several hundred ms longer. The guard below takes the callback in front
 * of rrweb's mutation buffer, and ordinary batches go straight to rrweb. A storm's removals,
 * attribute and text changes also go to rrweb at once. Its added nodes are recorded later, in
 * slices of a few ms that run as separate tasks. Small subtrees are handed to rrweb's buffer a
 * few hundred elements at a time. The elements above them are serialized here with rrweb's own
 * `serializeNodeWithId`, so ids, privacy options and the event format stay rrweb's.
 *
 * Consistency rests on one invariant: a node that is in the DOM but not in rrweb's mirror was
 * added since it was last recorded, and lies under a parent that has a cursor here. Each cursor
 * walks its parent's live children from last to first and records those missing from the mirror,
 * so every node is recorded with its current content, and its next sibling is always recorded
 * before it (rrweb's `nextId` needs that). While slices are pending, the nodes added by later
 * batches are recorded by the same walk. Text and attribute changes to nodes not yet recorded
 * are dropped by rrweb, which is right because the walk reads their current values.
 */

/** Elements added in one observer callback above which it is treated as a storm. */
const stormElements = 1_500;
/** Elements under one added node above which its children are walked here, in slices. */
const largeSubtreeElements = 300;
/** Elements handed to rrweb's mutation buffer in one call. */
const batchElements = 200;
/** Main-thread time one slice may take, in ms. */
const sliceMs = 8;
/**
 * Main-thread time a page that is being left may spend on the remaining slices, in ms. Leaving
 * waits for it, so it is kept short. What does not fit is not recorded.
 */
const finishMs = 100;

/** Elements that rrweb records whole, because their content needs its special handling. */
const opaqueTags = new Set([
  'IFRAME',
  'FRAME',
  'OBJECT',
  'EMBED',
  'LINK',
  'STYLE',
  'SCRIPT',
  'TEXTAREA',
  'SELECT',
  'CANVAS',
  'VIDEO',
  'AUDIO',
]);

/** The part of rrweb's mirror that the guard reads. */
interface MirrorReader {
  getId(node: Node | null | undefined): number;
  has(id: number): boolean;
}

/** The options rrweb 2.2.2 gives each mutation observer (its `MutationBufferParam`). */
export interface MutationObserverOptions {
  mutationCb: (mutation: mutationCallbackParam) => void;
  mirror: MirrorReader;
  doc: Document;
  blockClass: unknown;
  blockSelector: unknown;
  maskTextClass: unknown;
  maskTextSelector: unknown;
  inlineStylesheet: unknown;
  maskInputOptions: unknown;
  maskTextFn: unknown;
  maskInputFn: unknown;
  slimDOMOptions: unknown;
  dataURLOptions: unknown;
  recordCanvas: unknown;
  inlineImages: unknown;
}

type SerializeNode = (node: Node, options: object) => serializedNodeWithId | null;
type IsBlocked = (
  node: Node,
  blockClass: unknown,
  blockSelector: unknown,
  checkAncestors: boolean,
) => boolean;

/** A parent whose live children are being recorded, from last to first. */
interface Cursor {
  parent: Node;
  /** The child to look at next, or `undefined` to start again from the last child. */
  next: Node | null | undefined;
}

/** The observer callback that rrweb's mutation observer calls, and the means to stop it. */
export interface StormGuard {
  take(records: MutationRecord[]): void;
  cancel(): void;
}

const guards = new Set<{ finish(deadline: number): void }>();

/**
 * Records what every storm still has pending, within `finishMs`. Called when the page is being
 * left, before the last upload.
 * NOTE: a storm's nodes are far more than a keepalive request may carry, so they usually go to
 * the outbox and reach the server only when the visitor opens another page of the site.
 */
export function finishMutationStorms(): void {
  const deadline = performance.now() + finishMs;
  for (const guard of guards) guard.finish(deadline);
}

/**
 * Counts the elements under `node`, up to `limit + 1`. A live collection's `item(limit)` walks
 * only that far, so a subtree of 100,000 elements costs no more than one of `limit`.
 */
function elementsUnder(node: Node, limit: number): number {
  if (node.nodeType !== Node.ELEMENT_NODE) return 0;
  const elements = (node as Element).getElementsByTagName('*');
  return elements.item(limit) === null ? elements.length : limit + 1;
}

function addedElements(records: MutationRecord[]): number {
  let count = 0;
  for (const record of records) {
    if (record.type !== 'childList') continue;
    for (const node of Array.from(record.addedNodes)) {
      count += 1 + elementsUnder(node, stormElements - count);
      if (count > stormElements) return count;
    }
  }
  return count;
}

/**
 * Builds a `childList` record as rrweb's mutation buffer reads one. rrweb only iterates the node
 * lists, so arrays stand in for `NodeList`s.
 */
function childListRecord(
  target: Node,
  addedNodes: Node[] | NodeList,
  removedNodes: Node[] | NodeList,
  siblings: Pick<MutationRecord, 'previousSibling' | 'nextSibling'> = {
    previousSibling: null,
    nextSibling: null,
  },
): MutationRecord {
  return {
    type: 'childList',
    target,
    addedNodes: addedNodes as NodeList,
    removedNodes: removedNodes as NodeList,
    ...siblings,
    attributeName: null,
    attributeNamespace: null,
    oldValue: null,
  };
}

/**
 * Wraps rrweb's `processMutations` for one observed root. `serializeNodeWithId` and `isBlocked`
 * are rrweb's own functions, from the same module as its mutation buffer.
 */
export function guardMutationStorms(
  processMutations: (records: MutationRecord[]) => void,
  options: MutationObserverOptions,
  serializeNodeWithId: SerializeNode,
  isBlocked: IsBlocked,
): StormGuard {
  const { mirror, blockClass, blockSelector } = options;
  const cursors: Cursor[] = [];
  const cursorOf = new Map<Node, Cursor>();
  let scheduled = false;
  let cancelled = false;

  // The options rrweb's mutation buffer serializes added nodes with.
  const serializeOptions = {
    doc: options.doc,
    mirror,
    blockClass,
    blockSelector,
    maskTextClass: options.maskTextClass,
    maskTextSelector: options.maskTextSelector,
    skipChild: true,
    newlyAddedElement: true,
    inlineStylesheet: options.inlineStylesheet,
    maskInputOptions: options.maskInputOptions,
    maskTextFn: options.maskTextFn,
    maskInputFn: options.maskInputFn,
    slimDOMOptions: options.slimDOMOptions,
    dataURLOptions: options.dataURLOptions,
    recordCanvas: options.recordCanvas,
    inlineImages: options.inlineImages,
  };

  // rrweb's mirror keeps the id of a removed node (a moved node gets it back when it is added
  // again), so a node is recorded only while its id maps to a node. Ignored nodes (-2) count as
  // recorded: rrweb never sends them.
  const isRecorded = (node: Node): boolean => {
    const id = mirror.getId(node);
    return id === -2 || mirror.has(id);
  };

  const walkable = (node: Node): boolean =>
    node.nodeType === Node.ELEMENT_NODE &&
    !opaqueTags.has((node as Element).tagName) &&
    !(node as Element).shadowRoot &&
    !isBlocked(node, blockClass, blockSelector, false);

  const addCursor = (parent: Node) => {
    const cursor = cursorOf.get(parent);
    if (cursor) {
      // Children may have been added after the ones already walked, so start again from the end.
      cursor.next = undefined;
      return;
    }
    const created = { parent, next: undefined };
    cursors.push(created);
    cursorOf.set(parent, created);
  };

  /** Returns the next sibling's id, passing over ignored nodes (-2), as rrweb does for `nextId`. */
  const nextIdOf = (node: Node): number | null => {
    let sibling = node.nextSibling;
    let id = sibling ? mirror.getId(sibling) : null;
    while (id === -2) {
      sibling = sibling!.nextSibling;
      id = sibling ? mirror.getId(sibling) : null;
    }
    return id;
  };

  /** Serializes `node` alone, sends it as an added node, and walks its children later. */
  const recordAlone = (node: Node, parent: Node) => {
    const nextId = nextIdOf(node);
    const serialized = nextId === -1 ? null : serializeNodeWithId(node, serializeOptions);
    if (!serialized) return;
    const add: addedNodeMutation = { parentId: mirror.getId(parent), nextId, node: serialized };
    options.mutationCb({ texts: [], attributes: [], removes: [], adds: [add] });
    addCursor(node);
  };

  /** Records the next part of the innermost cursor's children. */
  const step = () => {
    const cursor = cursors[cursors.length - 1]!;
    const { parent } = cursor;
    if (!isRecorded(parent) || !parent.isConnected) {
      // The parent is gone, or not recorded yet, in which case a cursor further down walks it.
      cursors.pop();
      cursorOf.delete(parent);
      return;
    }

    let node = cursor.next === undefined ? parent.lastChild : cursor.next;
    if (node && node.parentNode !== parent) node = parent.lastChild;
    while (node && isRecorded(node)) node = node.previousSibling;
    if (!node) {
      cursors.pop();
      cursorOf.delete(parent);
      return;
    }

    if (elementsUnder(node, largeSubtreeElements) > largeSubtreeElements && walkable(node)) {
      cursor.next = node.previousSibling;
      recordAlone(node, parent);
      return;
    }

    // A run of small siblings, right to left, ending before a recorded or large one.
    const batch: Node[] = [];
    let elements = 0;
    while (node && !isRecorded(node) && elements < batchElements) {
      const size = elementsUnder(node, largeSubtreeElements);
      if (size > largeSubtreeElements && walkable(node)) break;
      batch.push(node);
      elements += 1 + size;
      node = node.previousSibling;
    }
    cursor.next = node;
    processMutations([childListRecord(parent, batch.reverse(), [])]);
  };

  const work = (deadline: number) => {
    while (cursors.length && !cancelled) {
      step();
      if (performance.now() >= deadline) break;
    }
  };

  const schedule = createScheduler(() => {
    scheduled = false;
    if (cancelled) return;
    work(performance.now() + sliceMs);
    if (cursors.length) requestSlice();
    else guards.delete(guard);
  });
  const requestSlice = () => {
    if (scheduled || cancelled) return;
    scheduled = true;
    schedule();
  };

  const guard = { finish: work };

  return {
    take(records) {
      if (cancelled) return;
      if (!cursors.length && addedElements(records) <= stormElements) {
        processMutations(records);
        return;
      }
      // rrweb does not see the adds the guard takes over, so a node that this batch adds to a
      // parent and then removes from it again would get a remove from a position the recording
      // never had. Such removes are left out.
      const takenAdds = new Map<Node, Set<Node>>();
      const passed = records.map((original) => {
        let record = original;
        const { target } = record;
        if (record.type === 'childList' && record.removedNodes.length > 0) {
          const addedHere = takenAdds.get(target);
          if (addedHere && Array.from(record.removedNodes).some((node) => addedHere.has(node))) {
            const removed = Array.from(record.removedNodes).filter(
              (node) => !addedHere.delete(node),
            );
            record = childListRecord(target, record.addedNodes, removed, record);
          }
        }
        const walksHere =
          record.type === 'childList' &&
          record.addedNodes.length > 0 &&
          target.nodeType === Node.ELEMENT_NODE &&
          (target as Element).tagName !== 'TEXTAREA' &&
          !isBlocked(target, blockClass, blockSelector, true);
        if (!walksHere) return record;
        addCursor(target);
        // The guard records the added nodes itself.
        const addedHere = takenAdds.get(target) ?? new Set<Node>();
        for (const node of Array.from(record.addedNodes)) addedHere.add(node);
        takenAdds.set(target, addedHere);
        return childListRecord(target, [], record.removedNodes, record);
      });
      processMutations(passed);
      guards.add(guard);
      requestSlice();
    },
    cancel() {
      cancelled = true;
      cursors.length = 0;
      cursorOf.clear();
      guards.delete(guard);
    },
  };
}
