import { describe, expect, it } from 'vitest';
import { formValuesOf, toSettingsInput, type SettingsFormValues } from './settings-form.js';

const values = (retentionDays: string, percent = ''): SettingsFormValues => ({
  retentionDays,
  sdk: {
    record_sessions_percent: percent,
    record_min_ms: '',
    record_max_ms: '',
    record_idle_timeout_ms: '',
  },
});

describe('settings form', () => {
  it('fills in stored settings', () => {
    const settings = {
      id: 'p',
      name: 'P',
      token: 't',
      retentionDays: 14,
      sdkConfig: { record_sessions_percent: 25 },
    };
    expect(formValuesOf(settings)).toEqual(values('14', '25'));
  });

  it('builds the request body', () => {
    expect(toSettingsInput(values(' 7 ', '12.5'))).toEqual({
      input: { retentionDays: 7, sdkConfig: { record_sessions_percent: 12.5 } },
      problem: null,
    });
  });

  it('leaves empty SDK fields out', () => {
    expect(toSettingsInput(values('30'))).toEqual({
      input: { retentionDays: 30, sdkConfig: {} },
      problem: null,
    });
  });

  it.each([
    ['0', '', 'retentionDays'],
    ['3651', '', 'retentionDays'],
    ['abc', '', 'retentionDays'],
    ['30', '101', 'sdkConfig.record_sessions_percent'],
    ['30', 'half', 'sdkConfig.record_sessions_percent'],
  ])('rejects retention %j and sampling %j', (days, percent, field) => {
    const result = toSettingsInput(values(days, percent));
    expect(result.problem).not.toBeNull();
    expect(result).toMatchObject({ field });
  });
});
