import { maskedChoice, maskText, type PrivacyRules } from './privacy.js';

/**
 * Attributes whose value is text that the page shows or reads aloud. They are masked by the
 * text rules of their element, like its text content.
 */
export const textAttributes: ReadonlySet<string> = new Set([
  'placeholder',
  'title',
  'alt',
  'label', // option, optgroup, track
  'summary',
  'abbr',
  'download', // a file name
  'aria-label',
  'aria-description',
  'aria-valuetext',
  'aria-roledescription',
  'aria-placeholder',
  'aria-braillelabel',
  'aria-brailleroledescription',
]);

/** `<meta name>` values whose `content` configures the browser and is not page text. */
const technicalMetaNames: ReadonlySet<string> = new Set([
  'viewport',
  'color-scheme',
  'theme-color',
  'referrer',
  'robots',
  'format-detection',
  'generator',
]);

/**
 * Link schemes whose target is an email address or a phone number.
 * NOTE: other URLs (links, images, the page URL in meta events) are recorded as they are,
 * query strings and fragments included.
 */
const contactLink = /^(\s*(?:mailto|tel|sms|callto):)([\s\S]*)$/i;

/** Masks the address of a contact link and keeps its scheme: `mailto:*****`. */
function maskContactLink(href: string): string {
  return href.replace(contactLink, (_all, scheme: string, address: string) => {
    return scheme + maskText(address);
  });
}

/** Attributes that record whether a field is checked or chosen, which is its value. */
const stateAttributes: ReadonlySet<string> = new Set(['checked', 'selected']);

function attributeOf(
  name: string,
  element: Element | null,
  attributes: Record<string, unknown>,
): string | null {
  const value = attributes[name];
  return typeof value === 'string' ? value : (element?.getAttribute(name) ?? null);
}

/** Returns whether the `content` of a `<meta>` is a description, title or other page text. */
function isTextMeta(element: Element | null, attributes: Record<string, unknown>): boolean {
  if (attributeOf('http-equiv', element, attributes) !== null) return false;
  const name = attributeOf('name', element, attributes)?.trim().toLowerCase();
  if (name !== undefined) return !technicalMetaNames.has(name);
  // `property` (Open Graph) and `itemprop` (microdata) carry titles and descriptions too.
  return ['property', 'itemprop'].some((key) => attributeOf(key, element, attributes) !== null);
}

/**
 * Masks, in place, the attributes of one recorded element (all of them in a snapshot, the
 * changed ones in a mutation) as the rules require. `element` is the live element, or null when
 * it is gone, which masks. Values that are not strings (style changes, removals) contain no
 * page text and are left alone.
 */
export function maskAttributes(
  rules: PrivacyRules,
  element: Element | null,
  tagName: string,
  attributes: Record<string, unknown>,
): void {
  let isTextMasked: boolean | undefined;
  const textMasked = () => (isTextMasked ??= rules.shouldMaskText(element));

  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (stateAttributes.has(name) && rules.shouldMaskInput(element)) {
      delete attributes[name];
      continue;
    }
    if (typeof value !== 'string' || value === '') continue;
    if (name === 'value') {
      attributes[name] = rules.maskValue(element, value);
    } else if (textAttributes.has(name)) {
      if (textMasked()) attributes[name] = maskText(value);
    } else if (name === 'content' && tagName === 'meta' && isTextMeta(element, attributes)) {
      if (textMasked()) attributes[name] = maskText(value);
    } else if (name === 'href' && contactLink.test(value)) {
      if (textMasked()) attributes[name] = maskContactLink(value);
    } else if (name === 'srcdoc' && tagName === 'iframe') {
      // The frame's document is recorded on its own, so its source is not needed.
      if (textMasked()) attributes[name] = '';
    }
  }
}

/**
 * Completes a recorded `<option>`. rrweb drops `selected` from every option when selects are
 * masked, so an unmasked select gets it back from the live option. A masked option without a
 * `value` attribute gets the masked choice, because its value is its text, and the masked text
 * (which keeps whitespace) would not equal the masked select value in the replay.
 */
export function completeOption(
  rules: PrivacyRules,
  option: Element | null,
  attributes: Record<string, unknown>,
): void {
  if (!option || rules.shouldMaskInput(option)) {
    delete attributes.selected;
    const value = (option as HTMLOptionElement | null)?.value ?? '';
    if (attributes.value === undefined && value !== '') attributes.value = maskedChoice;
    return;
  }
  if ((option as HTMLOptionElement).selected) attributes.selected = true;
}
