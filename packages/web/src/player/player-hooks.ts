import { useCallback, useEffect, useState, useSyncExternalStore, type RefObject } from 'react';
import type { PlayerState, ReplaySession } from './replay-session.js';
import type { Size } from './scale.js';

const noSession = {
  subscribe: () => () => {},
  getState: () => null,
};

/** Returns the session's current state, or null without a session, and re-renders on changes. */
export function usePlayerState(session: ReplaySession | null): PlayerState | null {
  const store = session ?? noSession;
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** Returns the content size of the element, updated when it resizes. */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      setSize((previous) =>
        previous.width === width && previous.height === height ? previous : { width, height },
      );
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** Returns whether the element is in full screen, and a function that enters or leaves it. */
export function useFullscreen(ref: RefObject<HTMLElement | null>): [boolean, () => void] {
  const [isFullscreen, setFullscreen] = useState(false);
  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [ref]);

  const toggle = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    if (document.fullscreenElement === element) void document.exitFullscreen();
    else element.requestFullscreen().catch((error: unknown) => console.warn(error));
  }, [ref]);
  return [isFullscreen, toggle];
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Binds the player's keys on the page: space plays or pauses, left and right arrows step 5 s.
 * Keys typed into form fields are left alone. Space on a focused button is taken over too, so
 * that it does not also press the button (for example "Copy link") a second time.
 */
export function usePlayerKeys(actions: { togglePlay(): void; seekBy(deltaMs: number): void }) {
  const { togglePlay, seekBy } = actions;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTypingTarget(event.target)) return;
      if (event.key === ' ') {
        event.preventDefault();
        if (!event.repeat) togglePlay();
      } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        event.preventDefault();
        seekBy(event.key === 'ArrowLeft' ? -5000 : 5000);
      }
    };
    const onKeyUp = (event: KeyboardEvent) => {
      // A button activates on the key-up of space, but the key-down already toggled playback.
      if (event.key === ' ' && !isTypingTarget(event.target)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, [togglePlay, seekBy]);
}
