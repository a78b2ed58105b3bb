import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';

/**
 * Every named statement stays prepared on each pooled connection for the connection's life: past this
 * many distinct texts (a list's filters and sorts combine into many) the others run unnamed, as TypeORM
 * runs them.
 */
export const MAX_NAMED_STATEMENTS = 64;
const names = new Map<string, string>();

/**
 * Runs `text` as a named prepared statement on the data source's connection pool, in autocommit (never
 * inside a transaction). PostgreSQL then parses it once per connection instead of on every call, as
 * TypeORM's `query()` has it (an unnamed statement each time). It still plans each call for its values:
 * the app's connections set plan_cache_mode=force_custom_plan (data-source.ts). For the statements that
 * run on most requests (the API-key lookup, a receipts page, the receipt INSERT, a bank line's candidate
 * receipts).
 *
 * `text` must not embed values: each distinct text is a statement kept on every connection.
 */
export async function preparedQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<T[]> {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `p_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    names.set(text, name);
  }
  try {
    const result = await pool(dataSource).query<T>(name ? { name, text, values } : { text, values });
    return result.rows;
  } catch (e) {
    // As TypeORM reports it, so that the error filter treats PostgreSQL's refusals the same way.
    throw new QueryFailedError(text, values, e as Error);
  }
}

function pool(dataSource: DataSource): Pool {
  const driver = dataSource.driver as unknown as { master?: Pool };
  if (!driver.master) throw new Error('preparedQuery: the data source is not initialized');
  return driver.master;
}
