// Plain JavaScript: Jest loads global setup with Node's own loader. The embedded server is the app's
// own (src/database/embedded-postgres.ts, through test/embedded-postgres.mjs), not a copy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from './embedded-postgres.mjs';

/**
 * One fresh database for the whole e2e run: on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL started (and removed by global-teardown) for this run, on a free port so that it never
 * collides with a running app. Workers inherit TEST_DATABASE_URL.
 */
export default async function globalSetup() {
  const name = `pieces_test_${process.pid}_${Date.now()}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { startEmbeddedPostgres } = await loadEmbeddedPostgres();
    const dir = mkdtempSync(join(tmpdir(), 'pieces-pg-'));
    try {
      const server = await startEmbeddedPostgres({
        dataDir: dir,
        database: 'postgres',
        persistent: false,
        notice: (m) => process.stderr.write(`embedded PostgreSQL: ${m}\n`),
      });
      serverUrl = server.url;
      globalThis.__EMBEDDED_POSTGRES__ = server;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `could not start the embedded PostgreSQL for the tests: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.TEST_DATABASE_URL = url.toString();
  globalThis.__TEST_DATABASE__ = { admin: admin.toString(), name };
}
