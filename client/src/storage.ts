// Web storage that may be refused: inside an LMS iframe, a browser that blocks
// third-party storage (Safari, Firefox strict, Chromium without third-party
// cookies) throws on any access to localStorage and sessionStorage. aula then
// keeps the values for this page only.
export interface SafeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function safe(get: () => Storage): SafeStorage {
  const memory = new Map<string, string>();
  const real = (): Storage | undefined => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  return {
    getItem: (key) => {
      try {
        return real()?.getItem(key) ?? memory.get(key) ?? null;
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem: (key, value) => {
      memory.set(key, value);
      try {
        real()?.setItem(key, value);
      } catch {
        // Refused or full: the in-memory copy serves this page.
      }
    },
    removeItem: (key) => {
      memory.delete(key);
      try {
        real()?.removeItem(key);
      } catch {
        // As above.
      }
    },
  };
}

export const local = safe(() => window.localStorage);
export const session = safe(() => window.sessionStorage);
