import { describe, expect, it } from 'vitest';
import { describeStartupError } from './errors.js';

function systemError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('system error'), fields);
}

describe('describeStartupError', () => {
  it('names an address no interface has', () => {
    const error = systemError({ code: 'ENOTFOUND', hostname: '999.1.1.1' });
    const message = describeStartupError(error);
    expect(message).toContain('999.1.1.1');
    expect(message).toContain('--host');
  });

  it('names a port in use', () => {
    const error = systemError({ code: 'EADDRINUSE', address: '127.0.0.1', port: 8484 });
    expect(describeStartupError(error)).toContain('--port');
  });

  it('keeps the stack of an unknown error', () => {
    const error = new Error('something else');
    expect(describeStartupError(error)).toContain('something else');
  });
});
