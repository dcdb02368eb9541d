import { createSensitiveFieldCheck } from './sensitive.js';

/**
 * Privacy rules of the recorder: which text and which field values leave the page masked. They
 * run on the device, before anything is queued, and fail closed: an unknown element masks.
 *
 * How the element that contains a text or a value is decided:
 * 1. A sensitive field (see `sensitive.ts`) is always masked; no option unmasks it.
 * 2. Anything inside a mask class (`maskClasses`) is masked.
 * 3. Otherwise the nearest element that matches the mask or the unmask selector decides,
 *    searching from the element itself up through its ancestors, then its shadow host or
 *    frame element and their ancestors. An element that matches both masks.
 * 4. Without a match, `maskAllText` or `maskAllInputs` decides.
 * Text that is also a field value (inside a textarea, select, option or contenteditable
 * element) is masked when either the text rules or the field rules require it.
 */

export interface PrivacyOptions {
  maskAllText: boolean;
  maskTextSelector: string;
  unmaskTextSelector: string;
  maskAllInputs: boolean;
  maskInputSelector: string;
  unmaskInputSelector: string;
}

/**
 * Classes whose subtree has its text and values masked whatever the options: Mixpanel's, and
 * those of other replay tools, so that markup written for them keeps working.
 */
export const maskClasses = ['mp-mask', 'fs-mask', 'amp-mask', 'rr-mask', 'ph-mask'];
const maskClassSelector = maskClasses.map((name) => `.${name}`).join(', ');

/** Input types whose `value` is the button's label, which is page text. */
const labelInputTypes: ReadonlySet<string> = new Set(['button', 'submit', 'reset']);

/** Elements whose text content is also a field value. */
const valueContentTags: ReadonlySet<string> = new Set(['TEXTAREA', 'SELECT', 'OPTION']);

/**
 * Mask of every non-empty select and option value. A constant, unlike other masks, because the
 * length of a masked choice would tell which option was picked. Because the masked select value
 * and the masked option values are equal, the replayed select shows a masked option, not an
 * empty box.
 */
export const maskedChoice = '********';

/** Replaces each non-whitespace character with `*`, keeping length and whitespace. */
export function maskText(text: string): string {
  return text.replace(/\S/g, '*');
}

/** Replaces every character of a field value with `*`, keeping its length. */
export function maskInputValue(value: string): string {
  return '*'.repeat(value.length);
}

export interface PrivacyRules {
  /** Whether the field can never be unmasked. It also remembers fields seen as passwords. */
  isSensitiveInput(element: Element): boolean;
  /** Whether the value (or checked state) of a field must be masked. */
  shouldMaskInput(element: Element | null): boolean;
  /** Whether text, or a text attribute, whose closest element is `element` must be masked. */
  shouldMaskText(element: Element | null): boolean;
  /** Returns the `value` (property or attribute) of `element` as it may be recorded. */
  maskValue(element: Element | null, value: string): string;
}

/** Returns the element whose rules apply next: the shadow host or the frame element. */
function nextScope(element: Element): Element | null {
  const root = element.getRootNode();
  if (root.nodeType === 11) return (root as ShadowRoot).host ?? null;
  if (root.nodeType !== 9) return null;
  try {
    return (root as Document).defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

/** Returns true or false when one of the two nearest matches decides, undefined otherwise. */
function nearestDecision(masking: Element | null, unmasking: Element | null) {
  if (masking && unmasking) return unmasking.contains(masking);
  if (masking) return true;
  if (unmasking) return false;
  return undefined;
}

function decide(element: Element, maskAll: boolean, mask: string, unmask: string): boolean {
  // Mask classes only mask more, so without an unmask selector "mask all" needs no search.
  if (maskAll && !unmask) return true;
  let decision: boolean | undefined;
  for (let scope: Element | null = element; scope; scope = nextScope(scope)) {
    if (scope.closest(maskClassSelector)) return true;
    decision ??= nearestDecision(
      mask ? scope.closest(mask) : null,
      unmask ? scope.closest(unmask) : null,
    );
  }
  return decision ?? maskAll;
}

/** Returns the field that contains an element's value: an option's select, or the element. */
function owningField(element: Element): Element {
  return element.tagName === 'OPTION' ? (element.closest('select') ?? element) : element;
}

function holdsValueText(element: Element): boolean {
  return valueContentTags.has(element.tagName) || (element as HTMLElement).isContentEditable;
}

export function createPrivacyRules(options: PrivacyOptions): PrivacyRules {
  const isSensitiveField = createSensitiveFieldCheck();
  const safely = (check: () => boolean) => {
    try {
      return check();
    } catch {
      return true;
    }
  };

  const isSensitiveInput = (element: Element) => isSensitiveField(owningField(element));

  function shouldMaskInput(element: Element | null): boolean {
    if (!element) return true;
    return safely(() => {
      const field = owningField(element);
      if (isSensitiveField(field)) return true;
      const { maskAllInputs, maskInputSelector, unmaskInputSelector } = options;
      return decide(field, maskAllInputs, maskInputSelector, unmaskInputSelector);
    });
  }

  function shouldMaskText(element: Element | null): boolean {
    if (!element) return true;
    return safely(() => {
      const { maskAllText, maskTextSelector, unmaskTextSelector } = options;
      if (decide(element, maskAllText, maskTextSelector, unmaskTextSelector)) return true;
      return holdsValueText(element) && shouldMaskInput(element);
    });
  }

  function maskValue(element: Element | null, value: string): string {
    if (!element) return maskInputValue(value);
    const tag = element.tagName;
    const type = String((element as HTMLInputElement).type ?? '').toLowerCase();
    if (tag === 'INPUT' && labelInputTypes.has(type) && !isSensitiveInput(element)) {
      return shouldMaskText(element) ? maskText(value) : value;
    }
    if (tag === 'SELECT' || tag === 'OPTION') {
      return shouldMaskInput(element) && value !== '' ? maskedChoice : value;
    }
    if (tag === 'BUTTON') {
      // A button's value is sent with its form but not shown, so either rule masks it.
      return shouldMaskInput(element) || shouldMaskText(element) ? maskInputValue(value) : value;
    }
    if (tag === 'DATA') return shouldMaskText(element) ? maskText(value) : value;
    // A custom element's `value` (a design system's input, for one) is a field value too.
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag.includes('-') || holdsValueText(element)) {
      return shouldMaskInput(element) ? maskInputValue(value) : value;
    }
    // The `value` of li, meter, progress and param is a number or URL of the page, not text.
    return value;
  }

  return { isSensitiveInput, shouldMaskInput, shouldMaskText, maskValue };
}

/** Returns whether the browser can parse `selector`. An empty selector is valid. */
export function isValidSelector(selector: string): boolean {
  if (!selector) return true;
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}
