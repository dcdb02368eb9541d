import type { eventWithTime } from '@rrweb/types';
import type { recordOptions } from 'rrweb';
import { maskClasses, maskInputValue, maskText, type PrivacyRules } from './privacy.js';

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

/**
 * Builds the rrweb options that apply the privacy rules. rrweb then calls `maskTextFn` for
 * every text node (its mask selector is `*`) and `maskInputFn` for every field value and
 * `value` attribute, and blocks the elements matching `blockClass` or `blockSelector`. The
 * hooks mask when a rule throws.
 */
export function rrwebPrivacyOptions(
  rules: PrivacyRules,
  blockClass: string | RegExp,
  blockSelector: string,
): Partial<RecordOptions> {
  return {
    maskAllInputs: false,
    maskInputOptions: everyFieldKind,
    maskInputFn: (value, element) => {
      try {
        return rules.maskValue(element, value);
      } catch {
        return maskInputValue(value);
      }
    },
    maskTextSelector: '*',
    maskTextClass: maskClasses[0],
    // rrweb passes no element for text directly inside a shadow root. Such text is left to the
    // sanitize pass, which every event goes through and which finds the shadow host.
    maskTextFn: (text, element) =>
      element && rules.shouldMaskText(element) ? maskText(text) : text,
    blockClass,
    blockSelector: blockSelector || undefined,
  };
}
