import { beforeAll, expect, it } from 'vitest';
import type { ProjectSettings } from '@reprise/protocol';
import {
  createProject,
  loginCookie,
  withCookie,
  type TestProject,
} from '../lifecycle/test-support/helpers.js';
import {
  describeEachDatabase,
  expectErrorResponse,
  useTestServer,
} from '../test-support/record.js';

describeEachDatabase('project routes', (database) => {
  const server = useTestServer({ database });
  let adminCookie = '';
  let memberCookie = '';
  let other: TestProject;

  const patch = (body: unknown, cookie = adminCookie, id = 'default') =>
    withCookie(server(), cookie, 'PATCH', `/api/projects/${id}`, body);

  const sdkSettings = async () => {
    const response = await server().request(`/settings/?token=${server().token}`);
    return ((await response.json()) as { sdk_config: { config: unknown } }).sdk_config.config;
  };

  const storedSettings = async () => {
    const project = await server().context.metadata.accounts.getProject('default');
    return { retentionDays: project?.retention_days, sdkConfig: await sdkSettings() };
  };

  beforeAll(async () => {
    adminCookie = await loginCookie(server());
    const added = await withCookie(server(), adminCookie, 'POST', '/api/members', {
      email: 'member@example.com',
      password: 'a long member password',
    });
    expect(added.status).toBe(201);
    memberCookie = await loginCookie(server(), 'member@example.com', 'a long member password');
    other = await createProject(server(), 'other', 30);
  });

  it('reads a project', async () => {
    const response = await server().api('/api/projects/default');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: 'default',
      name: 'Default project',
      token: server().token,
      retentionDays: 30,
      sdkConfig: {},
    });
  });

  it('members read projects', async () => {
    const response = await withCookie(server(), memberCookie, 'GET', '/api/projects/other');
    expect(((await response.json()) as ProjectSettings).token).toBe(other.token);
  });

  it('secrets read only their project', async () => {
    const response = await server().api('/api/projects/other');
    await expectErrorResponse(response, 403);
  });

  it('changes retention and SDK settings', async () => {
    expect(await sdkSettings()).toEqual({});
    const response = await patch({ retentionDays: 7, sdkConfig: { record_sessions_percent: 25 } });
    expect(response.status).toBe(200);
    const settings = (await response.json()) as ProjectSettings;
    expect(settings.retentionDays).toBe(7);
    expect(settings.sdkConfig).toEqual({ record_sessions_percent: 25 });
    expect(await sdkSettings()).toEqual({ record_sessions_percent: 25 });
    const stored = await server().context.metadata.accounts.getProject('default');
    expect(stored?.retention_days).toBe(7);
  });

  it('keeps fields that are not sent', async () => {
    expect((await patch({ retentionDays: 9 })).status).toBe(200);
    expect(await sdkSettings()).toEqual({ record_sessions_percent: 25 });
    const settings = (await (await patch({ sdkConfig: {} })).json()) as ProjectSettings;
    expect(settings.retentionDays).toBe(9);
    expect(await sdkSettings()).toEqual({});
  });

  it.each([
    [{ retentionDays: 0 }, 'retentionDays', 1],
    [{ retentionDays: -5 }, 'retentionDays', 1],
    [{ retentionDays: 3651 }, 'retentionDays', 3650],
    [{ retentionDays: 1.5 }, 'retentionDays', undefined],
    [{ retentionDays: '30' }, 'retentionDays', undefined],
    [{ sdkConfig: { record_sessions_percent: 101 } }, 'sdkConfig.record_sessions_percent', 100],
    [{ sdkConfig: { record_sessions_percent: -1 } }, 'sdkConfig.record_sessions_percent', 0],
    [{ sdkConfig: { record_min_ms: 9000 } }, 'sdkConfig.record_min_ms', 8000],
    [{ sdkConfig: { record_max_ms: 999 } }, 'sdkConfig.record_max_ms', 1000],
  ])('rejects %j', async (body, field, limit) => {
    const before = await storedSettings();
    const error = await expectErrorResponse(await patch(body), 400, {
      code: 'invalid_input',
      field,
    });
    expect(error.limit).toBe(limit);
    expect(await storedSettings()).toEqual(before);
  });

  it.each([
    [{}, 'body'],
    [{ retentionDays: 30, name: 'x' }, 'name'],
    [{ sdkConfig: { record_canvas: true } }, 'sdkConfig.record_canvas'],
  ])('rejects body %j', async (body, field) => {
    const before = await storedSettings();
    await expectErrorResponse(await patch(body), 400, { code: 'invalid_input', field });
    expect(await storedSettings()).toEqual(before);
  });

  it('accepts the retention limits', async () => {
    expect((await patch({ retentionDays: 1 })).status).toBe(200);
    expect((await patch({ retentionDays: 3650 })).status).toBe(200);
  });

  it('rejects members who are not admins', async () => {
    await expectErrorResponse(await patch({ retentionDays: 3 }, memberCookie), 403);
  });

  it('rejects API secrets', async () => {
    const response = await server().api('/api/projects/default', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ retentionDays: 3 }),
    });
    await expectErrorResponse(response, 403);
  });

  it('returns 404 for an unknown project', async () => {
    await expectErrorResponse(await patch({ retentionDays: 3 }, adminCookie, 'nope'), 404);
  });
});
