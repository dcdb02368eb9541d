/**
 * JSON values in Web Storage. Every call survives a missing or full storage (private modes,
 * disabled cookies, quota), returning `null` or `false` instead of throwing.
 */
export interface JsonStore {
  read<T>(key: string): T | null;
  /** Returns whether the value was stored. */
  write(key: string, value: unknown): boolean;
  remove(key: string): void;
}

function openStorage(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window[kind];
  } catch {
    return null;
  }
}

export function createJsonStore(kind: 'localStorage' | 'sessionStorage'): JsonStore {
  const storage = openStorage(kind);
  return {
    read<T>(key: string): T | null {
      try {
        const text = storage?.getItem(key);
        return text ? (JSON.parse(text) as T) : null;
      } catch {
        return null;
      }
    },
    write(key, value) {
      try {
        if (!storage) return false;
        storage.setItem(key, JSON.stringify(value));
        return true;
      } catch {
        return false;
      }
    },
    remove(key) {
      try {
        storage?.removeItem(key);
      } catch {
        // Nothing to do: the value was never readable either.
      }
    },
  };
}
