import { describe, expect, it } from 'vitest';
import { loginPath, safeNextPath } from './next-path.js';

describe('safeNextPath', () => {
  it('keeps app paths', () => {
    expect(safeNextPath('/replays/abc?t=5000')).toBe('/replays/abc?t=5000');
    expect(safeNextPath('/settings/members')).toBe('/settings/members');
  });

  it('rejects other origins', () => {
    for (const next of [
      'https://evil.test/',
      '//evil.test/path',
      '/\\evil.test',
      'javascript:alert(1)',
      'replays',
    ]) {
      expect(safeNextPath(next)).toBe('/');
    }
  });

  it('rejects empty and login', () => {
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath('')).toBe('/');
    expect(safeNextPath('/login?next=/x')).toBe('/');
  });
});

describe('loginPath', () => {
  it('encodes the return path', () => {
    expect(loginPath('/replays/abc?t=5')).toBe('/login?next=%2Freplays%2Fabc%3Ft%3D5');
  });

  it('omits the home page', () => {
    expect(loginPath('/')).toBe('/login');
  });
});
