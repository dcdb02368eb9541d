/**
 * Privacy rules of the recorder: which text and which input values leave the page masked.
 * They run on the device, before anything is queued, and every check fails closed: a
 * missing element or an invalid selector masks.
 *
 * Order of the rules, first match wins:
 * 1. Sensitive inputs (`isSensitiveInput`) are always masked; no option unmasks them.
 * 2. Anything inside `.mp-mask` is masked.
 * 3. An element matched by the unmask selector (itself or an ancestor) is sent as is.
 * 4. An element matched by the mask selector (itself or an ancestor) is masked.
 * 5. Anything else is sent as is.
 * Text inside a `<textarea>` or `<option>` is also a form value, so it is masked when either
 * the text rules or the input rules require it.
 */

export interface PrivacyOptions {
  maskTextSelector: string;
  unmaskTextSelector: string;
  maskInputSelector: string;
  unmaskInputSelector: string;
}

/** Class whose subtree has its text and input values masked, whatever the options. */
export const maskClass = 'mp-mask';

/** Input types whose values are always masked. */
export const sensitiveInputTypes: ReadonlySet<string> = new Set([
  'password',
  'email',
  'tel',
  'hidden',
]);

/**
 * Names and ids of fields that hold passwords, card numbers, card security codes or social
 * security numbers. It matches more than those (for example "passenger"), which only masks.
 */
export const sensitiveNamePattern =
  /pass(word|wd|code|phrase)?|pwd|secret|card.?(num|no)|cc.?(num|no)|credit.?card|cvv|cvc|csc|security.?code|ssn|social.?sec/i;

/** rrweb marks an input whose type a script changed from `password` with this attribute. */
const rrwebPasswordAttribute = 'data-rr-is-password';

const formValueTags = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'OPTION']);

/** Replaces each non-whitespace character with `*`, keeping length and whitespace. */
export function maskText(text: string): string {
  return text.replace(/\S/g, '*');
}

/** Replaces every character of an input value with `*`, keeping its length. */
export function maskInputValue(value: string): string {
  return '*'.repeat(value.length);
}

export interface PrivacyRules {
  /** Whether the field can never be unmasked: password, email, card number and the like. */
  isSensitiveInput(element: Element): boolean;
  /** Whether the value of an input, textarea, select or option must be masked. */
  shouldMaskInput(element: Element | null): boolean;
  /** Whether text whose closest element is `element` must be masked. */
  shouldMaskText(element: Element | null): boolean;
}

/** Returns whether `element` or an ancestor matches; `onInvalid` when the selector is invalid. */
function matchesUp(element: Element, selector: string, onInvalid: boolean): boolean {
  if (!selector) return false;
  try {
    return element.closest(selector) !== null;
  } catch {
    return onInvalid;
  }
}

/** Returns the field that contains an element's value: an option's select, or the element. */
function owningField(element: Element): Element {
  return element.tagName === 'OPTION' ? (element.closest('select') ?? element) : element;
}

export function createPrivacyRules(options: PrivacyOptions): PrivacyRules {
  // Fields seen as password inputs once stay sensitive after a script changes their type.
  const seenPasswords = new WeakSet<Element>();

  function isSensitiveInput(element: Element): boolean {
    const field = owningField(element);
    const type = (field.getAttribute('type') ?? '').trim().toLowerCase();
    const liveType = String((field as HTMLInputElement).type ?? '').toLowerCase();
    if (type === 'password' || liveType === 'password') seenPasswords.add(field);
    if (sensitiveInputTypes.has(type) || sensitiveInputTypes.has(liveType)) return true;
    if (seenPasswords.has(field) || field.hasAttribute(rrwebPasswordAttribute)) return true;
    const autocomplete = (field.getAttribute('autocomplete') ?? '').trim().toLowerCase();
    if (autocomplete !== '' && autocomplete !== 'off') return true;
    const names = [field.getAttribute('name'), field.getAttribute('id')];
    return names.some((name) => name != null && sensitiveNamePattern.test(name));
  }

  function byOptions(element: Element, mask: string, unmask: string): boolean {
    if (matchesUp(element, `.${maskClass}`, true)) return true;
    if (matchesUp(element, unmask, false)) return false;
    return matchesUp(element, mask, true);
  }

  function shouldMaskInput(element: Element | null): boolean {
    if (!element) return true;
    if (isSensitiveInput(element)) return true;
    return byOptions(element, options.maskInputSelector, options.unmaskInputSelector);
  }

  function shouldMaskText(element: Element | null): boolean {
    if (!element) return true;
    if (byOptions(element, options.maskTextSelector, options.unmaskTextSelector)) return true;
    return formValueTags.has(element.tagName) && shouldMaskInput(element);
  }

  return { isSensitiveInput, shouldMaskInput, shouldMaskText };
}
