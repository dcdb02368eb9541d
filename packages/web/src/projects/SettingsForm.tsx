import type { ProjectSettings } from '@reprise/protocol';
import { maxRetentionDays, minRetentionDays } from '@reprise/protocol';
import { useState, type FormEvent } from 'react';
import { updateProjectSettings } from '../api/index.js';
import { errorMessage } from '../ui/errors.js';
import {
  formValuesOf,
  toSettingsInput,
  type SdkField,
  type SettingsFormValues,
} from './settings-form.js';

interface SettingsFormProps {
  settings: ProjectSettings;
  /** Called with the settings the server stored. */
  onSaved(settings: ProjectSettings): void;
}

const sdkFieldLabels: Record<SdkField, { label: string; hint: string }> = {
  record_sessions_percent: {
    label: 'Recorded sessions (%)',
    hint: '0 to 100; the share of visits that are recorded.',
  },
  record_min_ms: { label: 'Minimum length (ms)', hint: '0 to 8000; shorter replays are dropped.' },
  record_max_ms: {
    label: 'Maximum length (ms)',
    hint: '1000 to 86400000; then a new replay starts.',
  },
  record_idle_timeout_ms: {
    label: 'Idle timeout (ms)',
    hint: '1000 to 86400000; a replay ends after this long without input.',
  },
};

/** Edits retention and the SDK settings that `/settings/` serves to sites. */
export function SettingsForm({ settings, onSaved }: SettingsFormProps) {
  const [values, setValues] = useState<SettingsFormValues>(() => formValuesOf(settings));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const setSdk = (name: SdkField, text: string) =>
    setValues((current) => ({ ...current, sdk: { ...current.sdk, [name]: text } }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const checked = toSettingsInput(values);
    if (checked.problem !== null) {
      setError(checked.problem);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const stored = await updateProjectSettings(settings.id, checked.input);
      setValues(formValuesOf(stored));
      setSaved(true);
      onSaved(stored);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card" onSubmit={save} noValidate data-testid="settings-form">
      <h2 className="card__title">Retention</h2>
      <label className="field">
        <span className="field__label">Keep replays for (days)</span>
        <input
          className="input"
          inputMode="numeric"
          value={values.retentionDays}
          onChange={(event) => setValues({ ...values, retentionDays: event.target.value })}
          data-testid="settings-retention"
        />
        <span className="field__hint">
          {minRetentionDays} to {maxRetentionDays} days after a replay’s first upload. A change
          applies to replays that start after you save; existing replays keep the expiry day they
          were given.
        </span>
      </label>

      <h2 className="card__title">SDK settings</h2>
      <p className="card__lead">
        Served to SDKs at <code>/settings/</code>, so an SDK that reads them picks up a change
        without a deploy. Leave a field empty to keep what the site’s own <code>init</code> call
        sets.
      </p>
      <div className="settings-form__row">
        {Object.entries(sdkFieldLabels).map(([name, { label, hint }]) => (
          <label className="field" key={name}>
            <span className="field__label">{label}</span>
            <input
              className="input"
              inputMode="decimal"
              value={values.sdk[name as SdkField]}
              onChange={(event) => setSdk(name as SdkField, event.target.value)}
              data-testid={`settings-${name}`}
            />
            <span className="field__hint">{hint}</span>
          </label>
        ))}
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="form-success" role="status" data-testid="settings-saved">
          Saved.
        </p>
      )}
      <button
        type="submit"
        className="button button--primary"
        disabled={saving}
        data-testid="settings-save"
      >
        {saving ? 'Saving…' : 'Save settings'}
      </button>
    </form>
  );
}
