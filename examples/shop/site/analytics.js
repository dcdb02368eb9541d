// Starts the Reprise SDK for every page of the shop. The Reprise server writes config.js with
// the project token and its own origin, so the demo works wherever Reprise runs.
const config = window.REPRISE_DEMO ?? {};

export const analytics = window.reprise;

analytics.init(config.token, {
  api_host: config.apiHost ?? window.location.origin,
  record_sessions_percent: 100,
  debug: config.debug === true,
});

analytics.track('Page Viewed', { page: document.body.dataset.page });
