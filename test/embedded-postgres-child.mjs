// Stands for the app in test/e2e/embedded-postgres.e2e-spec.ts: starts the embedded PostgreSQL of the
// data directory given as argument, prints its URL as one JSON line, then waits to be killed.
import { setInterval } from 'node:timers';
import { loadEmbeddedPostgres } from './embedded-postgres.mjs';

const { startEmbeddedPostgres } = await loadEmbeddedPostgres();
try {
  const db = await startEmbeddedPostgres({ dataDir: process.argv[2], database: 'app' });
  process.stdout.write(`${JSON.stringify({ url: db.url, port: db.port })}\n`);
  setInterval(() => undefined, 60_000);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
  process.exit(1);
}
