import { completeOption, maskAttributes } from './attribute-privacy.js';
import { EventType, IncrementalSource, NodeType, type RrwebEvent } from './event-types.js';
import { maskText, type PrivacyRules } from './privacy.js';

/**
 * The privacy pass over each rrweb event before it is queued. rrweb 2.2.2 applies the rules
 * through `maskTextFn` and `maskInputFn`, but several values never reach those functions.
 * Among them are text directly inside a shadow root, attributes such as `placeholder`, `title`
 * or `aria-label`, the `value` attribute of options and buttons, the checked state of
 * checkboxes and radios, and the values of the other radios in a group. This pass checks every
 * text node, attribute and input event against the same rules, with the live node from rrweb's
 * mirror, and masks in place. Masking twice gives the same result, so what rrweb already
 * masked stays as it is.
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

interface InputData {
  id?: number;
  text?: unknown;
  isChecked?: unknown;
}

/** Parents whose text is code (CSS, or rrweb's placeholder for scripts), not page text. */
const codeTags: ReadonlySet<string> = new Set(['style', 'script']);
const textLikeTypes: ReadonlySet<number> = new Set([NodeType.Text, 4, 5]); // CDATA, comment

/** Matches text that contains nothing to mask: only `*` and whitespace. */
const alreadyMasked = /^[\s*]*$/;

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
  function sanitizeText(text: string, live: Node | null, parentTag: string | undefined): string {
    if (alreadyMasked.test(text) || (parentTag && codeTags.has(parentTag))) return text;
    return rules.shouldMaskText(textContext(live)) ? maskText(text) : text;
  }

  function sanitizeElement(node: SerializedNode): void {
    const live = asElement(mirror.getNode(node.id));
    const tag = (node.tagName ?? '').toLowerCase();
    const attributes = node.attributes!;
    // Registers password inputs before a script can change their type.
    if (live?.tagName === 'INPUT') rules.isSensitiveInput(live);
    maskAttributes(rules, live, tag, attributes);
    if (tag === 'option') completeOption(rules, live, attributes);
  }

  function sanitizeNode(node: SerializedNode, parentTag: string | undefined): void {
    if (node.type === NodeType.Element && node.attributes) sanitizeElement(node);
    if (textLikeTypes.has(node.type) && typeof node.textContent === 'string') {
      const live = mirror.getNode(node.id);
      node.textContent = sanitizeText(node.textContent, live, parentTag);
    }
    const childParentTag = node.tagName?.toLowerCase() ?? parentTag;
    for (const child of node.childNodes ?? []) sanitizeNode(child, childParentTag);
  }

  function sanitizeMutation(data: MutationData): void {
    for (const add of data.adds ?? []) {
      const parent = asElement(mirror.getNode(add.parentId));
      sanitizeNode(add.node, parent?.tagName.toLowerCase());
    }
    for (const text of data.texts ?? []) {
      if (typeof text.value !== 'string') continue;
      const live = mirror.getNode(text.id);
      const parentTag = live?.parentElement?.tagName.toLowerCase();
      text.value = sanitizeText(text.value, live, parentTag);
    }
    for (const change of data.attributes ?? []) {
      const live = asElement(mirror.getNode(change.id));
      maskAttributes(rules, live, live?.tagName.toLowerCase() ?? '', change.attributes);
    }
  }

  function sanitizeInput(data: InputData): void {
    const element = asElement(mirror.getNode(data.id ?? -1));
    if (typeof data.text === 'string') data.text = rules.maskValue(element, data.text);
    if (data.isChecked === true && rules.shouldMaskInput(element)) data.isChecked = false;
  }

  /** Masks, in place, what the privacy rules require of one rrweb event. */
  return function sanitize(event: RrwebEvent): void {
    if (event.type === EventType.FullSnapshot) {
      sanitizeNode((event.data as { node: SerializedNode }).node, undefined);
      return;
    }
    if (event.type !== EventType.IncrementalSnapshot) return;
    const data = event.data as { source: number };
    if (data.source === IncrementalSource.Mutation) sanitizeMutation(data as MutationData);
    if (data.source === IncrementalSource.Input) sanitizeInput(data as InputData);
  };
}
