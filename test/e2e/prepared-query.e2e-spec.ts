import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { MAX_NAMED_STATEMENTS, preparedQuery } from '../../src/database/prepared-query.js';

describe('preparedQuery', () => {
  // One connection, so that the session's prepared statements can be listed.
  let dataSource: DataSource;
  beforeAll(async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is unset: run the e2e tests through jest (global setup)');
    const options = dataSourceOptions(url);
    dataSource = await new DataSource({
      ...options,
      entities: [],
      migrations: [],
      extra: { ...(options as { extra: object }).extra, max: 1 },
    }).initialize();
  });
  afterAll(() => dataSource.destroy());

  const prepared = async (): Promise<string[]> => {
    const rows = await dataSource.query<{ statement: string }[]>(
      'SELECT statement FROM pg_prepared_statements',
    );
    return rows.map((r) => r.statement);
  };

  it('prepares a statement once and runs it with each call’s values', async () => {
    const text = 'SELECT $1::int + 1 AS n, $2::text AS label';
    await expect(preparedQuery(dataSource, text, [1, 'a'])).resolves.toEqual([{ n: 2, label: 'a' }]);
    await expect(preparedQuery(dataSource, text, [41, 'b'])).resolves.toEqual([{ n: 42, label: 'b' }]);
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
  });

  it('plans each call for its values, never with a generic plan (the app’s connection settings)', async () => {
    // Left to itself (plan_cache_mode=auto), PostgreSQL switches such a lookup to its generic plan after
    // five runs.
    const text = 'SELECT relname FROM pg_class WHERE oid = $1::oid';
    for (let i = 1; i <= 8; i++) {
      await expect(preparedQuery(dataSource, text, [1259])).resolves.toEqual([{ relname: 'pg_class' }]);
    }
    const [plans] = await dataSource.query<{ generic_plans: string; custom_plans: string }[]>(
      'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    expect(plans).toEqual({ generic_plans: '0', custom_plans: '8' });
  });

  it('keeps at most MAX_NAMED_STATEMENTS statements per connection and runs the others unnamed', async () => {
    for (let i = 0; i < MAX_NAMED_STATEMENTS + 10; i++) {
      await expect(preparedQuery(dataSource, `SELECT $1::int + ${i} AS n`, [1])).resolves.toEqual([
        { n: 1 + i },
      ]);
    }
    const statements = await prepared();
    expect(statements.length).toBe(MAX_NAMED_STATEMENTS);
    expect(statements).not.toContain(`SELECT $1::int + ${MAX_NAMED_STATEMENTS + 9} AS n`);
  });

  it('reports an SQL error as TypeORM’s query() would, and the connection stays usable', async () => {
    const failed = preparedQuery(dataSource, 'SELECT 1/$1::int AS n', [0]);
    await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failed).rejects.toMatchObject({ driverError: { code: '22012' } });
    await expect(preparedQuery(dataSource, 'SELECT 1/$1::int AS n', [1])).resolves.toEqual([{ n: 1 }]);
  });
});
