import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

export interface ScratchDatabase {
  url: string;
  dispose(): Promise<void>;
}

/**
 * A new, empty database for a script: on DATABASE_URL's server when it is set, else on a throw-away
 * embedded PostgreSQL. The database is dropped (or the server removed) by `dispose`.
 */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const admin = new URL(serverUrl);
    admin.pathname = '/postgres';
    await createDatabaseIfMissing(admin.toString(), name);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      dispose: async () => {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: admin.toString() });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pieces-pg-'));
  try {
    // No port: a free one is picked, so a script never collides with a running app or test run.
    const db = await startEmbeddedPostgres({ dataDir: dir, database: name, persistent: false });
    return { url: db.url, dispose: () => db.stop() };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
