import { describe, expect, it } from 'vitest';
import { displayUser, displayUserDetail } from './user.js';

const nobody = { userName: null, userEmail: null, userId: null, distinctId: null };

describe('displayUser', () => {
  it('prefers the name', () => {
    const person = { ...nobody, userName: 'Ada', userEmail: 'ada@example.com', userId: 'u1' };
    expect(displayUser(person)).toBe('Ada');
    expect(displayUserDetail(person)).toBe('ada@example.com');
  });

  it('falls back to email', () => {
    const person = { ...nobody, userEmail: 'ada@example.com', userId: 'u1' };
    expect(displayUser(person)).toBe('ada@example.com');
    expect(displayUserDetail(person)).toBe('u1');
  });

  it('falls back to ids', () => {
    expect(displayUser({ ...nobody, userId: 'u1', distinctId: 'd1' })).toBe('u1');
    expect(displayUser({ ...nobody, distinctId: 'd1' })).toBe('d1');
    expect(displayUserDetail({ ...nobody, distinctId: 'd1' })).toBeNull();
  });

  it('skips blank values', () => {
    expect(displayUser({ ...nobody, userName: '  ', distinctId: 'd1' })).toBe('d1');
  });

  it('names anonymous replays', () => {
    expect(displayUser(nobody)).toBe('Anonymous');
    expect(displayUserDetail(nobody)).toBeNull();
  });
});
