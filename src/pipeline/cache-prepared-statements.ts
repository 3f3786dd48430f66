import type Database from 'better-sqlite3';

/**
 * Makes `db.prepare` return one compiled statement per SQL text instead of
 * compiling it again on every call. Compiling is most of the cost of the job
 * store's small queries, and `goldsmith serve` runs them on every Slack
 * request (status, build), so this keeps acks fast.
 *
 * Only for connections whose statements are run with get/all/run: a cached
 * statement cannot be stepped by two `iterate()` loops at once.
 *
 * @example
 * const db = openDatabase(path, Database, JOB_STORE_MIGRATIONS);
 * cachePreparedStatements(db);
 */
export function cachePreparedStatements(db: Database.Database): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = compile(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof db.prepare;
}
