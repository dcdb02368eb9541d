import { describe, expect, it } from 'vitest';
import { maskInputValue, maskText } from './privacy.js';
import { isSensitiveAutocomplete, isSensitiveName } from './sensitive.js';

// The rules that need a DOM (selectors, shadow roots, frames) are tested in Chromium, in
// test/privacy-rules.test.ts.

describe('maskText', () => {
  it('keeps length and whitespace', () => {
    expect(maskText('Hello  wörld\n\tok')).toBe('*****  *****\n\t**');
  });

  it('keeps non-breaking spaces', () => {
    expect(maskText('a\u00a0b')).toBe('*\u00a0*');
  });

  it('keeps the string length of emoji', () => {
    expect(maskText('hi 👋').length).toBe('hi 👋'.length);
  });
});

describe('maskInputValue', () => {
  it('masks values whole', () => {
    expect(maskInputValue('a b')).toBe('***');
  });
});

describe('isSensitiveName', () => {
  it.each([
    'password',
    'new_Password',
    'userPwd',
    'passcode',
    'card_number',
    'cardNumber',
    'cc-number',
    'ccNum',
    'cc',
    'creditCard',
    'cc-exp',
    'expiry_date',
    'cvv',
    'card-cvc',
    'csc',
    'security_code',
    'ssn',
    'user_ssn',
    'social-security-number',
    'one-time-code',
    'otp',
    'totp_code',
    'mfa',
    'verification_code',
    'pin',
    'pin-code',
    'iban',
    'api_secret',
  ])('%s is sensitive', (name) => {
    expect(isSensitiveName(name)).toBe(true);
  });

  it.each(['city', 'email_opt_in', 'shipping', 'footprint', 'business_name', 'first-name', 'q'])(
    '%s is not sensitive',
    (name) => {
      expect(isSensitiveName(name)).toBe(false);
    },
  );
});

describe('isSensitiveAutocomplete', () => {
  it.each(['on', 'cc-number', 'email', 'current-password', 'one-time-code', ' Street-Address '])(
    '%s is sensitive',
    (value) => {
      expect(isSensitiveAutocomplete(value)).toBe(true);
    },
  );

  it.each([null, '', ' ', 'off', 'OFF'])('%j is not sensitive', (value) => {
    expect(isSensitiveAutocomplete(value)).toBe(false);
  });
});
