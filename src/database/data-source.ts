import type { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    extra: {
      max: 20,
      connectionTimeoutMillis: 5000,
      // Statements prepared by preparedQuery() are planned for each call's values, never with a generic
      // plan: one organization's receipts are a sliver of the table, and the generic plan of a receipts
      // page (walk the primary key backwards, filter on organization_id) read all 100,000 rows (33 ms) for
      // an organization whose own plan reads three pages of an index.
      options: '-c plan_cache_mode=force_custom_plan',
    },
  };
}

// Any number taken by nothing else; every replica and test worker agrees on it.
const MIGRATION_LOCK_ID = 7_702_002;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that replicas (or test workers) booting at
 * the same time apply them once.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}
