/**
 * Fields whose values are masked whatever the options: no unmask selector applies to them.
 * The checks read only the field's own attributes and type, never its value.
 */

/** Input types whose values are always masked. */
export const sensitiveInputTypes: ReadonlySet<string> = new Set([
  'password',
  'email',
  'tel',
  'hidden',
]);

/**
 * Words that mark a field name or id as sensitive, found anywhere in the name once it is
 * lowercased and stripped of everything but letters and digits ("new_Password" becomes
 * "newpassword"). They are long enough to rarely occur inside unrelated words. A false match
 * ("passenger") only masks a field.
 */
const sensitiveFragments = [
  'pass', // password, passwd, passcode, passphrase
  'pwd',
  'secret',
  'cardnum',
  'cardno',
  'ccnum',
  'ccno',
  'creditcard',
  'debitcard',
  'cardexp',
  'ccexp',
  'expdate',
  'expiry',
  'expiration',
  'cvv',
  'cvc',
  'securitycode',
  'seccode',
  'cardverification',
  'socialsec',
  'socsec',
  'taxid',
  'onetime', // one-time code, one-time password
  'totp',
  'verificationcode',
  'authcode',
  'routingnum',
  'iban',
];

/**
 * Words that mark a field as sensitive only when they are a whole word of its name or id,
 * because they are short enough to occur inside harmless words ("shipping" contains "pin",
 * "footprint" contains "otp", "business name" contains "ssn").
 */
const sensitiveWords: ReadonlySet<string> = new Set([
  'pin',
  'ssn',
  'otp',
  'mfa',
  '2fa',
  'tan',
  'cc',
  'csc',
  'cvn',
  'exp',
  'sin',
]);

/** Returns whether a field name or id looks like a password, card data or a code field. */
export function isSensitiveName(name: string): boolean {
  const compact = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (sensitiveFragments.some((fragment) => compact.includes(fragment))) return true;
  // Words are split at non-alphanumerics and at camelCase humps: "ccNumber" is "cc", "number".
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => sensitiveWords.has(word));
}

/**
 * Returns whether an `autocomplete` value marks a field as sensitive. Every value except `off`
 * does: the tokens that browsers fill (`cc-number`, `email`, `current-password`,
 * `one-time-code`, `street-address`) are personal data, and `on` lets the browser fill any of
 * them.
 */
export function isSensitiveAutocomplete(value: string | null): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  return normalized !== '' && normalized !== 'off';
}

/** rrweb sets this attribute on an input whose type a script changed from `password`. */
const rrwebPasswordAttribute = 'data-rr-is-password';

/**
 * Creates the check for sensitive fields. It remembers every field it saw as a password input,
 * so that a "show password" toggle that switches the type to `text` (and back) keeps it masked.
 * Callers pass the field that owns the value: for an option, its select.
 * NOTE: a toggle that replaces the password input with a new text input, or one switched before
 * the recorder started, is recognized only by its name, id or `autocomplete`.
 */
export function createSensitiveFieldCheck(): (field: Element) => boolean {
  const seenPasswords = new WeakSet<Element>();

  return (field) => {
    const type = (field.getAttribute('type') ?? '').trim().toLowerCase();
    const liveType = String((field as HTMLInputElement).type ?? '').toLowerCase();
    if (type === 'password' || liveType === 'password') seenPasswords.add(field);
    if (sensitiveInputTypes.has(type) || sensitiveInputTypes.has(liveType)) return true;
    if (seenPasswords.has(field) || field.hasAttribute(rrwebPasswordAttribute)) return true;
    if (isSensitiveAutocomplete(field.getAttribute('autocomplete'))) return true;
    const names = [field.getAttribute('name'), field.getAttribute('id')];
    return names.some((name) => name != null && isSensitiveName(name));
  };
}
