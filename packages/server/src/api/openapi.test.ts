import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/record.js';

interface Route {
  path: string;
  methods: string[];
}

/** Reads the tree of `printRoutes({ commonPrefix: false })` into full paths and methods. */
function parseRouteTree(tree: string): Route[] {
  const routes: Route[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth > 0 ? parents[depth - 1]! : '') + match[2]!;
    parents[depth] = path;
    parents.length = depth + 1;
    if (match[3]) routes.push({ path, methods: match[3].split(', ') });
  }
  return routes;
}

/** Static files of the web app, the SDK bundles and the demo site, which are not API routes. */
function isStaticFile(path: string): boolean {
  return (
    ['*', '/', '/*', '/index.html', '/demo', '/demo*'].includes(path) ||
    /^\/(assets|sdk|demo)\//.test(path)
  );
}

/** Writes a Fastify path as OpenAPI does: `:id` becomes `{id}`. */
function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

describe('OpenAPI document', () => {
  const server = useTestServer();

  async function document(): Promise<{ paths: Record<string, Record<string, unknown>> }> {
    const response = await server().request('/api/openapi.json');
    expect(response.status).toBe(200);
    return (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  }

  it('is OpenAPI 3.1', async () => {
    expect(await document()).toMatchObject({ openapi: '3.1.0' });
  });

  it('documents every registered route', async () => {
    const { paths } = await document();
    const routes = parseRouteTree(server().app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(10);

    const missing: string[] = [];
    for (const route of routes) {
      if (isStaticFile(route.path)) continue;
      const path = toOpenApiPath(route.path);
      const entry = paths[path] ?? paths[`${path}/`];
      for (const method of route.methods) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        if (!entry?.[method.toLowerCase()]) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents only registered routes', async () => {
    const { paths } = await document();
    const unknown: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        if (!server().app.hasRoute({ method: method.toUpperCase(), url })) {
          unknown.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
