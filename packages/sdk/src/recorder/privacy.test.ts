import { describe, expect, it } from 'vitest';
import { createPrivacyRules, maskInputValue, maskText, type PrivacyOptions } from './privacy.js';

/**
 * A minimal element for the rules: attributes, a parent, and `closest` for simple selectors
 * (`*`, `tag`, `.class`, `#id`, `[attribute]`, compounds of those, and comma lists).
 */
class FakeElement {
  readonly tagName: string;

  constructor(
    tagName: string,
    private readonly attributes: Record<string, string> = {},
    readonly parent: FakeElement | null = null,
  ) {
    this.tagName = tagName.toUpperCase();
  }

  get type(): string | undefined {
    if (this.tagName !== 'INPUT') return undefined;
    return (this.attributes.type ?? 'text').toLowerCase();
  }

  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }

  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }

  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }

  matches(selector: string): boolean {
    return selector.split(',').some((part) => this.matchesCompound(part.trim()));
  }

  closest(selector: string): FakeElement | null {
    if (this.matches(selector)) return this;
    return this.parent ? this.parent.closest(selector) : null;
  }

  private matchesCompound(compound: string): boolean {
    const parsed = /^(\*|[a-z]+)?((?:[.#][\w-]+|\[[\w-]+\])*)$/i.exec(compound);
    if (!parsed || compound === '') throw new SyntaxError(`unsupported selector ${compound}`);
    const [, tag, rest] = parsed;
    if (tag && tag !== '*' && tag.toUpperCase() !== this.tagName) return false;
    const classes = (this.attributes.class ?? '').split(/\s+/);
    for (const [, kind, name] of rest!.matchAll(/([.#[])([\w-]+)\]?/g)) {
      if (kind === '.' && !classes.includes(name!)) return false;
      if (kind === '#' && this.attributes.id !== name) return false;
      if (kind === '[' && !(name! in this.attributes)) return false;
    }
    return true;
  }
}

const defaults: PrivacyOptions = {
  maskTextSelector: '*',
  unmaskTextSelector: '',
  maskInputSelector: '*',
  unmaskInputSelector: '',
};

function element(
  tag: string,
  attributes: Record<string, string> = {},
  parent: FakeElement | null = null,
) {
  return new FakeElement(tag, attributes, parent);
}

const asElement = (fake: FakeElement | null) => fake as unknown as Element;
const body = element('body');

describe('maskText', () => {
  it('keeps length and whitespace', () => {
    expect(maskText('Hello  wörld\n\tok')).toBe('*****  *****\n\t**');
  });

  it('masks input values whole', () => {
    expect(maskInputValue('a b')).toBe('***');
  });
});

describe('privacy rules', () => {
  it('masks text and inputs by default', () => {
    const rules = createPrivacyRules(defaults);
    expect(rules.shouldMaskText(asElement(element('p', {}, body)))).toBe(true);
    expect(rules.shouldMaskInput(asElement(element('input', {}, body)))).toBe(true);
  });

  it('masks when the element is unknown', () => {
    const rules = createPrivacyRules({ ...defaults, maskTextSelector: '', maskInputSelector: '' });
    expect(rules.shouldMaskText(null)).toBe(true);
    expect(rules.shouldMaskInput(null)).toBe(true);
  });

  it('unmask selector unmasks text', () => {
    const rules = createPrivacyRules({ ...defaults, unmaskTextSelector: '.public' });
    const section = element('section', { class: 'public' }, body);
    expect(rules.shouldMaskText(asElement(element('span', {}, section)))).toBe(false);
    expect(rules.shouldMaskText(asElement(element('span', {}, body)))).toBe(true);
  });

  it('mp-mask beats unmask selector', () => {
    const rules = createPrivacyRules({
      ...defaults,
      unmaskTextSelector: '*',
      unmaskInputSelector: '*',
    });
    const masked = element('div', { class: 'mp-mask' }, body);
    expect(rules.shouldMaskText(asElement(element('span', {}, masked)))).toBe(true);
    expect(rules.shouldMaskInput(asElement(element('input', {}, masked)))).toBe(true);
  });

  it('mask selector limits text masking', () => {
    const rules = createPrivacyRules({ ...defaults, maskTextSelector: '.secret' });
    expect(rules.shouldMaskText(asElement(element('p', {}, body)))).toBe(false);
    expect(rules.shouldMaskText(asElement(element('p', { class: 'secret' }, body)))).toBe(true);
  });

  it('text masking off keeps form text masked', () => {
    const rules = createPrivacyRules({ ...defaults, maskTextSelector: '' });
    const select = element('select', {}, body);
    expect(rules.shouldMaskText(asElement(element('p', {}, body)))).toBe(false);
    expect(rules.shouldMaskText(asElement(element('textarea', {}, body)))).toBe(true);
    expect(rules.shouldMaskText(asElement(element('option', {}, select)))).toBe(true);
  });

  it('unmask selector unmasks plain inputs', () => {
    const rules = createPrivacyRules({ ...defaults, unmaskInputSelector: '#search' });
    expect(rules.shouldMaskInput(asElement(element('input', { id: 'search' }, body)))).toBe(false);
    expect(rules.shouldMaskInput(asElement(element('input', { id: 'other' }, body)))).toBe(true);
  });

  it('invalid selectors fail closed', () => {
    const rules = createPrivacyRules({
      ...defaults,
      maskTextSelector: '[[',
      unmaskInputSelector: '[[',
    });
    expect(rules.shouldMaskText(asElement(element('p', {}, body)))).toBe(true);
    expect(rules.shouldMaskInput(asElement(element('input', {}, body)))).toBe(true);
  });

  it.each([
    ['password type', { type: 'password' }],
    ['email type', { type: 'email' }],
    ['tel type', { type: 'tel' }],
    ['hidden type', { type: 'hidden' }],
    ['uppercase type', { type: 'PASSWORD' }],
    ['autocomplete cc-number', { autocomplete: 'cc-number' }],
    ['autocomplete on', { autocomplete: 'on' }],
    ['card number name', { name: 'card_number' }],
    ['cvv name', { name: 'cvv' }],
    ['cvc id', { id: 'card-cvc' }],
    ['ssn name', { name: 'ssn' }],
    ['password id', { id: 'userPassword' }],
    ['rrweb password mark', { 'data-rr-is-password': 'true' }],
  ])('%s is never unmasked', (_case, attributes) => {
    const rules = createPrivacyRules({
      ...defaults,
      maskInputSelector: '',
      unmaskInputSelector: '*',
    });
    const input = asElement(element('input', attributes, body));
    expect(rules.isSensitiveInput(input)).toBe(true);
    expect(rules.shouldMaskInput(input)).toBe(true);
  });

  it.each([
    ['autocomplete off', { autocomplete: 'off' }],
    ['city name', { name: 'city' }],
    ['text type', { type: 'text' }],
  ])('%s is not sensitive', (_case, attributes) => {
    const rules = createPrivacyRules(defaults);
    expect(rules.isSensitiveInput(asElement(element('input', attributes, body)))).toBe(false);
  });

  it('password stays sensitive after type change', () => {
    const rules = createPrivacyRules({ ...defaults, unmaskInputSelector: '*' });
    const input = element('input', { type: 'password' }, body);
    expect(rules.shouldMaskInput(asElement(input))).toBe(true);
    input.setAttribute('type', 'text');
    expect(rules.shouldMaskInput(asElement(input))).toBe(true);
  });

  it('option of a sensitive select', () => {
    const rules = createPrivacyRules({ ...defaults, unmaskInputSelector: '*' });
    const select = element('select', { name: 'ssn_prefix' }, body);
    expect(rules.shouldMaskInput(asElement(element('option', {}, select)))).toBe(true);
  });
});
