import type { RecorderLoader, RecorderModule } from './recorder-api.js';

/** Global through which `reprise-recorder.js` hands its exports to `reprise.js`. */
export const recorderGlobalName = '__repriseRecorder';

/**
 * Returns a loader that adds `<script src="reprise-recorder.js">`, resolved against the URL
 * of `reprise.js` itself, or `recorderSrc()` when that returns a URL.
 */
export function createScriptLoader(
  coreScriptUrl: string,
  recorderSrc: () => string,
): RecorderLoader {
  let loading: Promise<RecorderModule> | null = null;
  const registry = window as unknown as Record<string, RecorderModule | undefined>;
  return () => {
    loading ??= new Promise<RecorderModule>((resolve, reject) => {
      const loaded = registry[recorderGlobalName];
      if (loaded) return resolve(loaded);
      const script = document.createElement('script');
      script.src = recorderSrc() || new URL('reprise-recorder.js', coreScriptUrl).href;
      script.async = true;
      script.onload = () => {
        const module = registry[recorderGlobalName];
        if (module) resolve(module);
        else reject(new Error(`${script.src} loaded but did not register the recorder`));
      };
      script.onerror = () => reject(new Error(`failed to load ${script.src}`));
      (document.head ?? document.documentElement).appendChild(script);
    }).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}
