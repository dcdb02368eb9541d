/**
 * Removes active content from recorded DOM before the Replayer rebuilds it.
 *
 * Recordings are untrusted: anyone with a project's public token can upload one. The Replayer
 * already rebuilds into an iframe sandboxed without `allow-scripts`, so this is a second line
 * of defence that also covers a sandbox mistake. In full snapshots, added nodes and attribute
 * changes it removes `on*` handler attributes and `srcdoc`, replaces `javascript:`,
 * `vbscript:` and HTML `data:` URLs with `about:blank`, strips `http-equiv="refresh"` from
 * `<meta>`, and empties the text of `<script>` elements. Node ids and the tree shape stay as
 * recorded, so later mutations still find their nodes and the page still rebuilds.
 */

// Numeric tags from rrweb 2.x (`EventType`, `IncrementalSource`) and rrweb-snapshot
// (`NodeType`), repeated here so the sanitizer runs without loading rrweb.
const fullSnapshotEvent = 2;
const incrementalSnapshotEvent = 3;
const mutationSource = 0;
const elementNode = 2;
const textNode = 3;

/** Value that replaces a dangerous URL: it loads nothing and runs nothing. */
export const blockedUrl = 'about:blank';

/** Attributes whose value a browser loads or navigates to as a URL. */
const urlAttributes = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'poster',
  'background',
  'codebase',
  'rr_src',
]);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns whether a URL would run script or render an HTML document. Browsers strip leading
 * control characters and spaces, drop tabs and newlines inside a URL, and match schemes
 * case-insensitively, so the check removes all of those first.
 */
export function isDangerousUrl(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  const normalized = value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  return (
    normalized.startsWith('javascript:') ||
    normalized.startsWith('vbscript:') ||
    normalized.startsWith('data:text/html') ||
    normalized.startsWith('data:application/xhtml+xml')
  );
}

/** Change to make to one attribute: `keep` it, `remove` it, or replace its value with `blockedUrl`. */
type AttributeVerdict = 'keep' | 'remove' | 'block-url';

function judgeAttribute(name: string, value: unknown): AttributeVerdict {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || lower === 'srcdoc') return 'remove';
  if (typeof value !== 'string') return 'keep';
  if (urlAttributes.has(lower) && isDangerousUrl(value)) return 'block-url';
  const normalizedValue = value.trim().toLowerCase();
  // `<meta http-equiv=refresh>` navigates after a delay. An attribute change can add it to an
  // existing `<meta>`, so it is removed wherever it appears.
  if (lower === 'http-equiv' && normalizedValue === 'refresh') return 'remove';
  // SVG `<set>` and `<animate>` can write a `javascript:` URL into an `href` while animating.
  if (lower === 'attributename' && /^(xlink:)?href$/.test(normalizedValue)) return 'remove';
  return 'keep';
}

/**
 * Sanitizes the rrweb events of one replay in place. Keep one instance per replay and pass it
 * every event, because script elements seen in one event decide how later text changes are
 * treated.
 */
export class RecordingSanitizer {
  // NOTE: node ids restart at 1 after a reload in the same tab, and chunks can arrive out of
  // order. So a text change can be blanked because its id once belonged to a script, or kept
  // because its script arrives later. Kept script text is inert, because the Replayer turns
  // `<script>` into `<noscript>` inside a sandbox without `allow-scripts`.
  /** Ids of `<script>` elements seen so far. */
  private readonly scriptIds = new Set<number>();
  /** Ids of text nodes inside `<script>` elements seen so far. */
  private readonly scriptTextIds = new Set<number>();
  /** Number of attributes and texts changed so far. */
  changeCount = 0;

  /** Sanitizes each event in place and returns the same array. */
  sanitizeEvents<T>(events: T[]): T[] {
    for (const event of events) this.sanitizeEvent(event);
    return events;
  }

  sanitizeEvent(event: unknown): void {
    if (!isObject(event) || !isObject(event.data)) return;
    if (event.type === fullSnapshotEvent) {
      this.sanitizeTree(event.data.node, false);
    } else if (event.type === incrementalSnapshotEvent && event.data.source === mutationSource) {
      this.sanitizeMutation(event.data);
    }
  }

  private sanitizeMutation(data: JsonObject): void {
    if (Array.isArray(data.adds)) {
      for (const add of data.adds) {
        if (!isObject(add)) continue;
        this.sanitizeTree(
          add.node,
          typeof add.parentId === 'number' && this.isScript(add.parentId),
        );
      }
    }
    if (Array.isArray(data.attributes)) {
      for (const change of data.attributes) {
        if (isObject(change) && isObject(change.attributes)) {
          this.sanitizeAttributeChange(change.attributes);
        }
      }
    }
    if (Array.isArray(data.texts)) {
      for (const change of data.texts) {
        if (
          isObject(change) &&
          typeof change.id === 'number' &&
          this.scriptTextIds.has(change.id)
        ) {
          this.blankText(change, 'value');
        }
      }
    }
  }

  /**
   * Walks a serialized subtree without recursion, so a deeply nested hostile snapshot cannot
   * overflow the call stack here.
   */
  private sanitizeTree(root: unknown, rootIsInScript: boolean): void {
    const pending: Array<{ node: unknown; inScript: boolean }> = [
      { node: root, inScript: rootIsInScript },
    ];
    while (pending.length > 0) {
      const { node, inScript } = pending.pop()!;
      if (!isObject(node)) continue;

      let childrenInScript = false;
      if (node.type === elementNode) {
        childrenInScript = this.sanitizeElement(node);
      } else if (node.type === textNode && inScript) {
        if (typeof node.id === 'number') this.scriptTextIds.add(node.id);
        this.blankText(node, 'textContent');
      }

      if (!Array.isArray(node.childNodes)) continue;
      for (const child of node.childNodes)
        pending.push({ node: child, inScript: childrenInScript });
    }
  }

  /** Sanitizes an element's attributes and returns whether it is a `<script>`. */
  private sanitizeElement(node: JsonObject): boolean {
    const tagName = typeof node.tagName === 'string' ? node.tagName.toLowerCase() : '';
    const isScript = tagName === 'script';
    if (isScript && typeof node.id === 'number') this.scriptIds.add(node.id);
    if (!isObject(node.attributes)) return isScript;

    const attributes = node.attributes;
    for (const name of Object.keys(attributes)) {
      const verdict = judgeAttribute(name, attributes[name]);
      if (verdict === 'keep') continue;
      if (verdict === 'remove') delete attributes[name];
      else attributes[name] = blockedUrl;
      this.changeCount += 1;
    }
    return isScript;
  }

  /** Sanitizes one attribute mutation. A removal is sent as `null`, which the Replayer applies. */
  private sanitizeAttributeChange(attributes: JsonObject): void {
    for (const name of Object.keys(attributes)) {
      const value = attributes[name];
      if (value === null) continue;
      const verdict = judgeAttribute(name, value);
      if (verdict === 'keep') continue;
      attributes[name] = verdict === 'remove' ? null : blockedUrl;
      this.changeCount += 1;
    }
  }

  private isScript(id: number): boolean {
    return this.scriptIds.has(id);
  }

  private blankText(holder: JsonObject, key: 'textContent' | 'value'): void {
    if (holder[key] === '') return;
    holder[key] = '';
    this.changeCount += 1;
  }
}
