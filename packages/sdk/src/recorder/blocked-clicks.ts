import {
  EventType,
  IncrementalSource,
  MouseInteractionType,
  type RrwebEvent,
} from './event-types.js';

/**
 * rrweb 2.2.2 drops pointer interactions whose target is inside a blocked element, so a
 * replay would not show clicks on blocked images or widgets. This listener records a click
 * on the outermost blocked element (the box the replay shows) with the pointer coordinates.
 */
export function observeBlockedClicks(
  isBlocked: (element: Element) => boolean,
  mirror: { getId(node: Node): number },
  emit: (event: RrwebEvent) => void,
): () => void {
  const onClick = (event: MouseEvent) => {
    let outermost: Element | null = null;
    let node = event.composedPath()[0] as Node | undefined;
    while (node) {
      if (node.nodeType === 1 && isBlocked(node as Element)) outermost = node as Element;
      node = node.parentNode ?? (node as ShadowRoot).host ?? undefined;
    }
    const id = outermost ? mirror.getId(outermost) : -1;
    if (id < 0) return;
    emit({
      type: EventType.IncrementalSnapshot,
      data: {
        source: IncrementalSource.MouseInteraction,
        type: MouseInteractionType.Click,
        id,
        x: event.clientX,
        y: event.clientY,
      },
      timestamp: Date.now(),
    } as RrwebEvent);
  };
  // NOTE: only the top document is listened to, so clicks on blocked elements inside
  // same-origin iframes are not recorded.
  const options = { capture: true, passive: true };
  document.addEventListener('click', onClick, options);
  return () => document.removeEventListener('click', onClick, options);
}

/** Builds the test rrweb applies for blocking: a class name or pattern, or a selector. */
export function createBlockTest(blockClass: string | RegExp, blockSelector: string) {
  return (element: Element): boolean => {
    try {
      if (
        typeof blockClass === 'string'
          ? element.classList.contains(blockClass)
          : [...element.classList].some((name) => blockClass.test(name))
      )
        return true;
      return blockSelector !== '' && element.matches(blockSelector);
    } catch {
      return false;
    }
  };
}
