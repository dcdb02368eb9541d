import type { ProjectSettings } from '@reprise/protocol';
import { CopyButton } from '../ui/CopyButton.js';
import { buildSdkSnippet } from './sdk-snippet.js';

/** Shows the project token and the script tags that add the SDK to a site. */
export function InstallCard({ settings }: { settings: ProjectSettings }) {
  const snippet = buildSdkSnippet(
    window.location.origin,
    settings.token,
    settings.sdkConfig.record_sessions_percent,
  );
  return (
    <section className="card" aria-labelledby="install-title">
      <h2 id="install-title" className="card__title">
        Add Reprise to a site
      </h2>
      <span className="field__label">Project token (public: SDKs send it, it can only write)</span>
      <div className="token-row">
        <input
          className="input input--mono"
          readOnly
          value={settings.token}
          onFocus={(event) => event.target.select()}
          aria-label="Project token"
          data-testid="project-token"
        />
        <CopyButton text={settings.token} label="Copy token" testId="project-token-copy" />
      </div>
      <span className="field__label">SDK snippet, before the closing &lt;/body&gt; tag</span>
      <pre className="snippet" data-testid="sdk-snippet">
        {snippet}
      </pre>
      <CopyButton text={snippet} label="Copy snippet" testId="sdk-snippet-copy" />
      <p className="card__lead">
        Sites that use the official mixpanel-browser SDK keep it and set its <code>api_host</code>{' '}
        to {window.location.origin}.
      </p>
    </section>
  );
}
