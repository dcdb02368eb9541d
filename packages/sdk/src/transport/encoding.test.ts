import { describe, expect, it } from 'vitest';
import { encodeFormBody, utf8ToBase64 } from './encoding.js';

function decodeForm(body: string): unknown {
  const data = new URLSearchParams(body).get('data')!;
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

describe('utf8ToBase64', () => {
  it.each(['', 'plain', 'ünïcödé ✓', '😀 emoji', 'x'.repeat(100_000)])('round-trips %#', (text) => {
    expect(Buffer.from(utf8ToBase64(text), 'base64').toString('utf8')).toBe(text);
  });
});

describe('encodeFormBody', () => {
  it('round-trips JSON', () => {
    const payload = [{ event: 'Signed up', properties: { name: 'Zoë', plus: 'a+b/c=' } }];
    expect(decodeForm(encodeFormBody(payload))).toEqual(payload);
  });

  it('escapes base64 characters', () => {
    const body = encodeFormBody({ value: '>>>???' });
    expect(body.startsWith('data=')).toBe(true);
    expect(body.slice(5)).not.toMatch(/[+/=]/);
  });
});
