import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  formItems,
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  token,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

type Item = Record<string, unknown>;
type Properties = Record<string, unknown>;

/** Runs `script` in the page with `reprise` in scope, once the SDK is loaded. */
async function call(page: Page, script: string): Promise<unknown> {
  await page.waitForFunction(() => (window as { reprise?: unknown }).reprise !== undefined);
  return page.evaluate(`(() => { const reprise = window.reprise; return ${script}; })()`);
}

function trackedNamed(bed: SdkTestBed, name: string): Properties[] {
  return formItems(bed.capture, '/track/')
    .filter((item) => item.event === name)
    .map((item) => item.properties as Properties);
}

describe('analytics', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
  });

  it('track body decodes to events', async () => {
    bed.site.setPage('/track.html', sdkPage(bed, { batch_flush_interval_ms: 200 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/track.html`);
    await call(page, `reprise.register({ plan: 'pro' })`);
    await call(page, `reprise.track('Signed up', { source: 'ünïcödé ✓', plan: 'team' })`);
    await waitFor(() => trackedNamed(bed, 'Signed up').length > 0, 'the tracked event');
    const request = bed.capture.requests.find((candidate) => candidate.url.pathname === '/track/')!;
    const [properties] = trackedNamed(bed, 'Signed up');
    const deviceId = properties!.$device_id as string;
    await page.close();

    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.text.startsWith('data=')).toBe(true);
    expect(properties!.token).toBe(token);
    expect(properties!.source).toBe('ünïcödé ✓');
    expect(properties!.plan).toBe('team');
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(properties!.distinct_id).toBe(`$device:${deviceId}`);
    expect(properties!.$user_id).toBeUndefined();
    expect(Math.abs((properties!.time as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(properties!.$insert_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(properties!.$current_url).toBe(`${bed.site.origin}/track.html`);
    expect(properties!.mp_lib).toBe('reprise');
    expect(properties!.$lib_version).toBe('0.1.0');
    expect(properties!.$os).toBe('Linux');
    expect(properties!.$browser).toBe('Chrome');
    expect(properties!.$mp_replay_id).toBeUndefined();
  });

  it('identify, people and reset', async () => {
    bed.site.setPage('/people.html', sdkPage(bed, { batch_flush_interval_ms: 200 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/people.html`);
    const anonymous = (await call(page, 'reprise.get_distinct_id()')) as string;
    await call(page, `reprise.identify('user-42')`);
    await call(page, `reprise.track('After login')`);
    await call(page, `reprise.people.set({ $name: 'Ada' })`);
    await call(page, `reprise.people.set_once('first_seen', 'today')`);
    await call(page, `reprise.people.increment('logins')`);
    await call(page, `reprise.people.append('tags', 'a')`);
    await call(page, `reprise.people.union('plans', ['pro'])`);
    await call(page, `reprise.people.unset('legacy')`);
    await waitFor(() => formItems(bed.capture, '/engage/').length >= 6, 'six profile updates');
    await waitFor(() => trackedNamed(bed, 'After login').length > 0, 'the event after login');
    await call(page, 'reprise.reset()');
    const afterReset = (await call(page, 'reprise.get_distinct_id()')) as string;
    await page.close();

    const [identifyEvent] = trackedNamed(bed, '$identify');
    const [login] = trackedNamed(bed, 'After login');
    const updates = formItems(bed.capture, '/engage/');
    expect(anonymous).toMatch(/^\$device:/);
    expect(identifyEvent!.$anon_distinct_id).toBe(anonymous);
    expect(identifyEvent!.distinct_id).toBe('user-42');
    expect(login!.distinct_id).toBe('user-42');
    expect(login!.$user_id).toBe('user-42');
    expect(`$device:${login!.$device_id}`).toBe(anonymous);
    expect(updates[0]).toEqual({
      $token: token,
      $distinct_id: 'user-42',
      $device_id: login!.$device_id,
      $user_id: 'user-42',
      $set: { $name: 'Ada' },
    });
    expect(
      updates.map((update) =>
        Object.keys(update).find((key) => !/^\$(token|distinct_id|device_id|user_id)$/.test(key)),
      ),
    ).toEqual(['$set', '$set_once', '$add', '$append', '$union', '$unset']);
    expect(updates[2]!.$add).toEqual({ logins: 1 });
    expect(updates[4]!.$union).toEqual({ plans: ['pro'] });
    expect(updates[5]!.$unset).toEqual(['legacy']);
    expect(afterReset).toMatch(/^\$device:/);
    expect(afterReset).not.toBe(anonymous);
  });

  it('identity and super properties persist', async () => {
    bed.site.setPage('/persist.html', sdkPage(bed, { batch_flush_interval_ms: 200 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/persist.html`);
    await call(page, `reprise.register({ team: 'blue' })`);
    await call(page, `reprise.register_once({ first: 'yes' })`);
    const before = await call(page, 'reprise.get_distinct_id()');
    await page.reload();
    await call(page, `reprise.register_once({ first: 'no' })`);
    await call(page, `reprise.track('Reloaded')`);
    await waitFor(() => trackedNamed(bed, 'Reloaded').length > 0, 'the event after reload');
    const after = await call(page, 'reprise.get_distinct_id()');
    await page.close();

    const [properties] = trackedNamed(bed, 'Reloaded');
    expect(after).toBe(before);
    expect(properties!.team).toBe('blue');
    expect(properties!.first).toBe('yes');
  });

  it('events carry the replay id', async () => {
    bed.site.setPage(
      '/linked.html',
      sdkPage(bed, { record_sessions_percent: 100, batch_flush_interval_ms: 200 }),
    );
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/linked.html`);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the first /record/ upload');
    await call(page, `reprise.track('Clicked buy')`);
    await waitFor(() => trackedNamed(bed, 'Clicked buy').length > 0, 'the tracked event');
    const recordingProperties = await call(page, 'reprise.get_session_recording_properties()');
    await page.close();

    const replayId = recordUploads(bed.capture)[0]!.replayId;
    expect(trackedNamed(bed, 'Clicked buy')[0]!.$mp_replay_id).toBe(replayId);
    expect(recordingProperties).toEqual({ $mp_replay_id: replayId });
  });

  it('opt-out stops tracking and recording', async () => {
    const config = {
      record_sessions_percent: 100,
      record_flush_interval_ms: 60_000,
      batch_flush_interval_ms: 200,
    };
    bed.site.setPage('/optout.html', sdkPage(bed, config));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/optout.html`);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the first /record/ upload');
    await page.mouse.move(40, 40);
    const requestsAtOptOut = bed.capture.requests.length;
    await call(page, 'reprise.opt_out_tracking()');
    await call(page, `reprise.track('Hidden')`);
    await call(page, `reprise.people.set({ hidden: true })`);
    await page.mouse.move(40, 40);
    await page.reload();
    await call(page, `reprise.track('Hidden after reload')`);
    await sleep(1000);
    const optedOut = await call(page, 'reprise.has_opted_out_tracking()');
    const properties = await call(page, 'reprise.get_session_recording_properties()');
    await page.close();

    expect(optedOut).toBe(true);
    expect(properties).toEqual({});
    expect(bed.capture.requests.slice(requestsAtOptOut)).toEqual([]);
  });

  it.each([
    [true, 1],
    [false, 0],
  ])('debug %s logs with prefix', async (debug, minimumMessages) => {
    const messages: string[] = [];
    bed.site.setPage('/debug.html', sdkPage(bed, { debug, record_sessions_percent: 100 }));
    const page = await bed.browser.newPage();
    page.on('console', (message) => messages.push(message.text()));
    await page.goto(`${bed.site.origin}/debug.html`);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the first /record/ upload');
    await call(page, 'reprise.track()');
    await page.close();

    expect(messages.length).toBeGreaterThanOrEqual(minimumMessages);
    if (!debug) expect(messages).toEqual([]);
    for (const message of messages) expect(message.startsWith('[reprise]')).toBe(true);
  });

  it('public methods never throw', async () => {
    const errors: string[] = [];
    bed.site.setPage('/robust.html', sdkPage(bed, {}));
    const page = await bed.browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${bed.site.origin}/robust.html`);
    const results = await call(
      page,
      `[
        reprise.track(),
        reprise.track(null, 5),
        reprise.identify({}),
        reprise.register(null),
        reprise.people.set(null),
        reprise.people.increment('count', 'x'),
        reprise.people.union(7),
        reprise.unregister(undefined),
        reprise.init('again'),
      ].length`,
    );
    await sleep(300);
    await page.close();

    expect(results).toBe(9);
    expect(errors).toEqual([]);
  });

  it('script tag build runs queued calls', async () => {
    const stubPage = `<!doctype html><html><head><meta charset="utf-8"></head><body><p>stub</p>
<script>
  window.reprise = [];
  window.reprise._i = [['${token}', { api_host: '${bed.capture.origin}', record_sessions_percent: 100, batch_flush_interval_ms: 200 }]];
  window.reprise.push(['track', 'Queued before load', { from: 'stub' }]);
  window.reprise.push(['people.set', { queued: true }]);
  const script = document.createElement('script');
  script.async = true;
  script.src = '/sdk/reprise.js';
  document.head.appendChild(script);
</script></body></html>`;
    bed.site.setPage('/stub.html', stubPage);
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/stub.html`);
    await waitFor(() => trackedNamed(bed, 'Queued before load').length > 0, 'the queued event');
    await waitFor(() => formItems(bed.capture, '/engage/').length > 0, 'the queued profile update');
    await waitFor(
      () => recordUploads(bed.capture).length > 0,
      'a /record/ upload from reprise-recorder.js',
    );
    const scripts = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => entry.name),
    );
    await page.close();

    const [properties] = trackedNamed(bed, 'Queued before load');
    const [update] = formItems(bed.capture, '/engage/') as Item[];
    expect(properties!.from).toBe('stub');
    expect(update!.$set).toEqual({ queued: true });
    expect(scripts).toContain(`${bed.site.origin}/sdk/reprise-recorder.js`);
  });
});
