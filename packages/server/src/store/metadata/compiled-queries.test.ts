import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQueryCache, compiledQueriesOf } from './compiled-queries.js';
import { openMetadataStore, type MetadataStore } from './index.js';

describe('CompiledQueryCache', () => {
  let dataDir: string;
  let store: MetadataStore;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reprise-compiled-'));
    store = await openMetadataStore({ dataDir, databaseUrl: null });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const selectProject = (id: string) =>
    store.connection.db.selectFrom('projects').select('name').where('id', '=', id);

  it('reuses the SQL with new parameters', async () => {
    const cache = new CompiledQueryCache();
    const first = cache.query('project', ['p1'], () => selectProject('p1'));
    let built = 0;
    const second = cache.query('project', ['p2'], () => {
      built += 1;
      return selectProject('p2');
    });
    expect(built).toBe(0);
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual(['p2']);
    const { rows } = await store.connection.db.executeQuery(second);
    expect(rows).toEqual([]);
  });

  it('rejects parameters in another order', () => {
    const cache = new CompiledQueryCache();
    const build = () =>
      store.connection.db
        .selectFrom('projects')
        .select('id')
        .where('id', '=', 'a')
        .where('name', '=', 'b');
    expect(() => cache.query('two', ['b', 'a'], build)).toThrow(/parameters \["a","b"\]/);
  });

  it('keeps one cache per database', () => {
    const db = store.connection.db;
    expect(compiledQueriesOf(db)).toBe(compiledQueriesOf(db));
  });
});
