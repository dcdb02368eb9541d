import type { eventWithTime } from '@rrweb/types';
import type { recordOptions } from 'rrweb';
import { maskClass, maskInputValue, maskText, type PrivacyRules } from './privacy.js';

type RecordOptions = recordOptions<eventWithTime>;

/**
 * Every kind of form field, by tag and by input type. rrweb calls `maskInputFn` only for the
 * kinds listed here; listing them all lets the privacy rules decide every value. The `input`
 * and `option` keys are tag names that rrweb's types omit but its lookup reads.
 */
const everyFieldKind = Object.fromEntries(
  [
    'input',
    'textarea',
    'select',
    'option',
    'color',
    'date',
    'datetime-local',
    'email',
    'month',
    'number',
    'range',
    'search',
    'tel',
    'text',
    'time',
    'url',
    'week',
    'password',
    'hidden',
  ].map((kind) => [kind, true]),
) as RecordOptions['maskInputOptions'];

function decide(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return true;
  }
}

/**
 * Builds the rrweb options that apply the privacy rules. rrweb then calls `maskTextFn` for
 * every text node (its mask selector is `*`) and `maskInputFn` for every form value, and
 * blocks the elements matching `blockClass` or `blockSelector`.
 */
export function rrwebPrivacyOptions(
  rules: PrivacyRules,
  blockClass: string | RegExp,
  blockSelector: string,
): Partial<RecordOptions> {
  return {
    maskAllInputs: false,
    maskInputOptions: everyFieldKind,
    maskInputFn: (value, element) =>
      decide(() => rules.shouldMaskInput(element)) ? maskInputValue(value) : value,
    maskTextSelector: '*',
    maskTextClass: maskClass,
    maskTextFn: (text, element) =>
      decide(() => rules.shouldMaskText(element)) ? maskText(text) : text,
    blockClass,
    blockSelector: blockSelector || undefined,
  };
}

/** Returns `selector` when the browser can parse it, else `fallback`. */
export function validSelector(selector: string, fallback: string): string {
  if (!selector) return selector;
  try {
    document.createDocumentFragment().querySelector(selector);
    return selector;
  } catch {
    return fallback;
  }
}
