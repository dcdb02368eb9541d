import { describe, expect, it } from 'vitest';
import { buildSdkSnippet } from './sdk-snippet.js';

describe('buildSdkSnippet', () => {
  it('uses the stored sampling', () => {
    const snippet = buildSdkSnippet('https://reprise.example.com', 'rpt_abc', 25);
    expect(snippet).toContain('<script src="https://reprise.example.com/sdk/reprise.js"></script>');
    expect(snippet).toContain('reprise.init("rpt_abc", {');
    expect(snippet).toContain('api_host: "https://reprise.example.com",');
    expect(snippet).toContain('record_sessions_percent: 25,');
  });

  it('records every session by default', () => {
    expect(buildSdkSnippet('http://127.0.0.1:8484', 't', undefined)).toContain(
      'record_sessions_percent: 100,',
    );
  });
});
