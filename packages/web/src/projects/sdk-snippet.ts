/**
 * Builds the script tags that add Reprise's SDK to a site, served by this Reprise server.
 * `recordSessionsPercent` is the project's sampling setting, when one is stored.
 */
export function buildSdkSnippet(
  origin: string,
  token: string,
  recordSessionsPercent: number | undefined,
): string {
  return [
    `<script src="${origin}/sdk/reprise.js"></script>`,
    '<script>',
    `  reprise.init(${JSON.stringify(token)}, {`,
    `    api_host: ${JSON.stringify(origin)},`,
    `    record_sessions_percent: ${recordSessionsPercent ?? 100},`,
    '  });',
    '</script>',
  ].join('\n');
}
