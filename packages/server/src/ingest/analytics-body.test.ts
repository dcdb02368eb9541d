import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { decodeAnalyticsPayload, isVerbose } from './analytics-body.js';

const event = { event: 'Buy', properties: { token: 't', note: 'ü?>' } };
const json = JSON.stringify(event);

function decode(body: string | undefined, query: Record<string, unknown> = {}, maxItems = 10) {
  return decodeAnalyticsPayload(
    body === undefined ? undefined : Buffer.from(body),
    query,
    maxItems,
  );
}

function errorOf(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('No error was raised');
}

describe('decodeAnalyticsPayload', () => {
  it('reads base64 form data', () => {
    const data = Buffer.from(json).toString('base64');
    expect(decode(new URLSearchParams({ data }).toString())).toEqual([event]);
  });

  it('reads base64url form data', () => {
    const data = Buffer.from(json).toString('base64url');
    expect(decode(`data=${data}`)).toEqual([event]);
  });

  it('reads JSON form data', () => {
    expect(decode(new URLSearchParams({ data: `[${json},${json}]` }).toString())).toHaveLength(2);
  });

  it('reads a JSON body', () => {
    expect(decode(`  ${json}\n`)).toEqual([event]);
  });

  it('reads data from the query', () => {
    expect(decode(undefined, { data: ['old', json] })).toEqual([event]);
  });

  it('rejects missing data', () => {
    const error = errorOf(() => decode('verbose=1'));
    expect(error.status).toBe(400);
    expect(error.field).toBe('data');
  });

  it('rejects data that is not JSON', () => {
    expect(errorOf(() => decode('data=%%%')).code).toBe('invalid_data');
  });

  it('rejects too many items', () => {
    const error = errorOf(() => decode(`data=[${json},${json}]`, {}, 1));
    expect(error.status).toBe(413);
    expect(error.limit).toBe(1);
  });
});

describe('isVerbose', () => {
  it('reads the query', () => {
    expect(isVerbose(undefined, { verbose: '1' })).toBe(true);
  });

  it('reads the form body', () => {
    expect(isVerbose(Buffer.from('data=x&verbose=1'), {})).toBe(true);
  });

  it('is off by default', () => {
    expect(isVerbose(Buffer.from('data=x'), { verbose: '0' })).toBe(false);
  });
});
