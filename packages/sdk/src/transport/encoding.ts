/** Encodes text as UTF-8, then base64. `btoa` alone accepts only Latin-1 text. */
export function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const chunkBytes = 0x8000;
  let binary = '';
  for (let start = 0; start < bytes.length; start += chunkBytes) {
    binary += String.fromCharCode(...bytes.subarray(start, start + chunkBytes));
  }
  return btoa(binary);
}

/**
 * Builds the `application/x-www-form-urlencoded` body of `/track/` and `/engage/`:
 * `data=<base64 of the UTF-8 JSON>`, as mixpanel-browser sends it.
 */
export function encodeFormBody(payload: unknown): string {
  return encodeJsonFormBody(JSON.stringify(payload));
}

/** Builds the same body as `encodeFormBody` from JSON text. */
export function encodeJsonFormBody(json: string): string {
  return `data=${encodeURIComponent(utf8ToBase64(json))}`;
}
