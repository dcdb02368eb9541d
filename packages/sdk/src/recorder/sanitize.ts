import { EventType, IncrementalSource, NodeType, type RrwebEvent } from './event-types.js';
import { maskInputValue, maskText, type PrivacyRules } from './privacy.js';

/**
 * A second privacy pass over each rrweb event before it is queued. rrweb 2.2.2 applies the
 * privacy rules through `maskTextFn` and `maskInputFn`, but some values never reach those
 * functions. They are: text changes directly inside a shadow root, the `value` attribute of
 * `<option>` (and of inputs whose live value is empty), attribute text such as `placeholder`
 * and `title`, and text under a `<textarea>` when text masking is off. This pass masks them
 * in place with the same rules. Masking twice gives the same result, so values that rrweb
 * already masked stay as they are.
 */

/** Lookup of live nodes by rrweb id: rrweb's `record.mirror`. */
export interface NodeLookup {
  getNode(id: number): Node | null;
}

interface SerializedNode {
  id: number;
  type: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
  textContent?: string;
}

interface MutationData {
  adds?: { parentId: number; node: SerializedNode }[];
  texts?: { id: number; value: string | null }[];
  attributes?: { id: number; attributes: Record<string, unknown> }[];
}

/** Attributes whose value is page text, masked by the text rules. */
export const textAttributes = ['placeholder', 'title', 'alt', 'aria-label'];

const formValueTags = new Set(['input', 'textarea', 'select', 'option']);
const codeTags = new Set(['style', 'script']);

function asElement(node: Node | null | undefined): Element | null {
  return node?.nodeType === 1 ? (node as Element) : null;
}

/** Returns the element whose rules mask a text node: its parent, or its shadow host. */
function textContext(node: Node | null): Element | null {
  if (!node) return null;
  if (node.parentElement) return node.parentElement;
  const root = node.parentNode as ShadowRoot | null;
  return root && 'host' in root ? root.host : null;
}

export function createSanitizer(rules: PrivacyRules, mirror: NodeLookup) {
  /** Rechecks text that rrweb could not see in context (shadow roots, form values). */
  function sanitizeTextValue(id: number, text: string): string {
    const live = mirror.getNode(id);
    const parent = live?.parentElement;
    if (parent && codeTags.has(parent.tagName.toLowerCase())) return text;
    if (parent && !formValueTags.has(parent.tagName.toLowerCase())) return text;
    return rules.shouldMaskText(textContext(live ?? null)) ? maskText(text) : text;
  }

  function sanitizeAttributes(
    tagName: string | undefined,
    element: Element | null,
    attributes: Record<string, unknown>,
  ) {
    const tag = (tagName ?? element?.tagName ?? '').toLowerCase();
    if (element && formValueTags.has(tag)) rules.isSensitiveInput(element);
    const value = attributes.value;
    if (
      typeof value === 'string' &&
      (formValueTags.has(tag) || !element) &&
      rules.shouldMaskInput(element)
    ) {
      attributes.value = maskInputValue(value);
    }
    let maskTextAttributes: boolean | undefined;
    for (const name of textAttributes) {
      const text = attributes[name];
      if (typeof text !== 'string') continue;
      maskTextAttributes ??= rules.shouldMaskText(element);
      if (maskTextAttributes) attributes[name] = maskText(text);
    }
  }

  function sanitizeNode(node: SerializedNode, parentTag: string | undefined): void {
    if (node.type === NodeType.Element && node.attributes) {
      sanitizeAttributes(node.tagName, asElement(mirror.getNode(node.id)), node.attributes);
    } else if (node.type === NodeType.Text && typeof node.textContent === 'string') {
      if (!codeTags.has(parentTag ?? ''))
        node.textContent = sanitizeTextValue(node.id, node.textContent);
    }
    for (const child of node.childNodes ?? []) sanitizeNode(child, node.tagName ?? parentTag);
  }

  function sanitizeMutation(data: MutationData): void {
    for (const add of data.adds ?? []) {
      const parent = asElement(mirror.getNode(add.parentId));
      sanitizeNode(add.node, parent?.tagName.toLowerCase());
    }
    for (const text of data.texts ?? []) {
      if (typeof text.value === 'string') text.value = sanitizeTextValue(text.id, text.value);
    }
    for (const change of data.attributes ?? []) {
      sanitizeAttributes(undefined, asElement(mirror.getNode(change.id)), change.attributes);
    }
  }

  /** Masks, in place, what the privacy rules require of one rrweb event. */
  return function sanitize(event: RrwebEvent): void {
    if (event.type === EventType.FullSnapshot) {
      sanitizeNode((event.data as { node: SerializedNode }).node, undefined);
      return;
    }
    if (event.type !== EventType.IncrementalSnapshot) return;
    const data = event.data as { source: number; id?: number; text?: unknown };
    if (data.source === IncrementalSource.Mutation) sanitizeMutation(data as MutationData);
    if (data.source === IncrementalSource.Input && typeof data.text === 'string') {
      const element = asElement(mirror.getNode(data.id ?? -1));
      if (rules.shouldMaskInput(element)) data.text = maskInputValue(data.text);
    }
  };
}
