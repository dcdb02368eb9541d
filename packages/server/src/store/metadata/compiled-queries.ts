import { isDeepStrictEqual } from 'node:util';
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/**
 * SQL text of queries that ingestion runs for every upload, compiled once per shape and then
 * run with each call's parameters. Building and compiling a Kysely query costs the event loop
 * more than running it on SQLite, and the text depends only on the shape (for example the
 * length of an `in` list).
 */
export class CompiledQueryCache {
  private readonly texts = new Map<string, string>();

  /**
   * Returns the query of `shape` with `parameters`. The first call of a shape compiles
   * `build()` and raises when its parameters differ from `parameters`, so that a caller that
   * lists them in another order than Kysely fails at once instead of binding wrong values.
   */
  query<Row>(
    shape: string,
    parameters: readonly unknown[],
    build: () => Compilable<Row>,
  ): CompiledQuery<Row> {
    const text = this.texts.get(shape);
    if (text !== undefined) return CompiledQuery.raw(text, [...parameters]) as CompiledQuery<Row>;

    const compiled = build().compile();
    if (!isDeepStrictEqual([...compiled.parameters], [...parameters])) {
      throw new Error(
        `Query "${shape}" has parameters ${JSON.stringify(compiled.parameters)}, but its caller listed ${JSON.stringify(parameters)}`,
      );
    }
    this.texts.set(shape, compiled.sql);
    return compiled;
  }
}

const cachesByDatabase = new WeakMap<Kysely<never>, CompiledQueryCache>();

/**
 * Returns the cache of compiled queries of `db`. Each database has its own, because the SQL
 * text differs between SQLite and PostgreSQL (`?` and `$1` parameters, for example).
 */
export function compiledQueriesOf<DB>(db: Kysely<DB>): CompiledQueryCache {
  const key = db as unknown as Kysely<never>;
  let cache = cachesByDatabase.get(key);
  if (!cache) {
    cache = new CompiledQueryCache();
    cachesByDatabase.set(key, cache);
  }
  return cache;
}
