import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import pg from 'pg';
import {
  EmbeddedPostgresError,
  LOCK_FILE,
  PASSWORD_FILE,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from '../../src/database/embedded-postgres.js';

jest.setTimeout(90_000);

async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Starts the embedded server in a child process (standing for the app) and answers once it is up. */
function startInChild(dataDir: string) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('../embedded-postgres-child.mjs', import.meta.url)), dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = new Promise<{ url?: string; error?: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as { url?: string; error?: string });
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before answering: ${out}`)));
  });
  return { child, exited, started };
}

/** The user's password does not open a cluster (28P01), so it is not the old default. */
async function refuses(port: number, password: string): Promise<boolean> {
  try {
    await query(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, 'SELECT 1');
    return false;
  } catch (e) {
    return (e as { code?: string }).code === '28P01';
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the start succeeded');
}

describe('embedded PostgreSQL', () => {
  const dirs: string[] = [];
  const running: EmbeddedDatabase[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pieces-embedded-spec-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const db of running) await db.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('one persistent data directory, like the app', () => {
    let dataDir: string;
    let db: EmbeddedDatabase;

    beforeAll(() => {
      dataDir = join(tempDir(), 'postgres');
    });

    it('after kill -9 of the app alone, the next start stops the server it left behind and starts', async () => {
      const app = startInChild(dataDir);
      const { url } = await app.started;
      await query(url!, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      const leftPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      app.child.kill('SIGKILL');
      await app.exited;
      // The situation of the issue: the app is gone, its server still runs and holds the directory.
      expect(isRunning(leftPid)).toBe(true);
      await query(url!, 'SELECT 1');

      const notices: string[] = [];
      db = await startEmbeddedPostgres({ dataDir, database: 'app', notice: (m) => notices.push(m) });
      running.push(db);
      expect((await query(db.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
      expect(isRunning(leftPid)).toBe(false);
      expect(notices).toEqual([expect.stringContaining(`stopping the embedded PostgreSQL (pid ${leftPid})`)]);
    });

    it('a second app on the same data directory is refused in one line, and the first keeps working', async () => {
      const second = startInChild(dataDir);
      await expect(second.started).resolves.toEqual({
        error: `${dataDir} is already in use by another process (pid ${process.pid}): stop it first, or set DATA_DIR to another directory (two servers on one data directory would corrupt it)`,
      });
      await second.exited;
      expect((await query(db.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    });

    it('keeps a generated superuser password in the cluster, readable by its owner only', async () => {
      const file = join(dataDir, PASSWORD_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
      expect(await refuses(db.port, 'postgres')).toBe(true);
    });

    it('moves a cluster made with the old postgres/postgres password to a generated one', async () => {
      await query(db.url, "ALTER ROLE postgres PASSWORD 'postgres'");
      await db.stop();
      unlinkSync(join(dataDir, PASSWORD_FILE));

      db = await startEmbeddedPostgres({ dataDir, database: 'app' });
      running.push(db);
      const password = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
      expect(password).not.toBe('postgres');
      expect(statSync(join(dataDir, PASSWORD_FILE)).mode & 0o777).toBe(0o600);
      expect((await query(db.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
      expect(await refuses(db.port, 'postgres')).toBe(true);
    });

    it('removes a postmaster.pid left by a process that is gone', async () => {
      await db.stop();
      const gone = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => gone.once('exit', resolve));
      writeFileSync(
        join(dataDir, 'postmaster.pid'),
        `${gone.pid}\n${dataDir}\n1\n5432\n\n127.0.0.1\n0 0\nready\n`,
      );

      db = await startEmbeddedPostgres({ dataDir, database: 'app' });
      running.push(db);
      expect((await query(db.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    });

    it('says in one line, naming EMBEDDED_POSTGRES_PORT, when the port it sets is taken', async () => {
      await db.stop();
      const squatter: Server = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      const port = (squatter.address() as { port: number }).port;
      try {
        const e = await rejection(
          startEmbeddedPostgres({ dataDir, database: 'app', port, portSetting: 'EMBEDDED_POSTGRES_PORT' }),
        );
        expect(e).toBeInstanceOf(EmbeddedPostgresError);
        expect(e.message).toBe(
          `EMBEDDED_POSTGRES_PORT=${port}: that port is already in use on 127.0.0.1; stop what uses it, choose another port, or unset EMBEDDED_POSTGRES_PORT to let the app pick a free one`,
        );
      } finally {
        squatter.close();
      }
      // The failed start released the directory.
      expect(() => statSync(join(dataDir, LOCK_FILE))).toThrow();
    });

    it('says in one line why PostgreSQL itself refused to start, and where its log is', async () => {
      const conf = join(dataDir, 'postgresql.conf');
      const original = readFileSync(conf, 'utf8');
      writeFileSync(conf, `${original}\nshared_buffers = banana\n`);
      try {
        const e = await rejection(startEmbeddedPostgres({ dataDir, database: 'app' }));
        expect(e.message).toBe(
          `PostgreSQL stopped while starting: LOG: invalid value for parameter "shared_buffers": "banana"; FATAL: configuration file "${conf}" contains errors (full log: ${join(dataDir, 'embedded-postgres.log')})`,
        );
      } finally {
        writeFileSync(conf, original);
      }
      db = await startEmbeddedPostgres({ dataDir, database: 'app' });
      running.push(db);
      expect((await query(db.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    });
  });

  it('two starts without a port, side by side, do not collide', async () => {
    const [a, b] = await Promise.all([
      startEmbeddedPostgres({ dataDir: join(tempDir(), 'pg'), database: 'a', persistent: false }),
      startEmbeddedPostgres({ dataDir: join(tempDir(), 'pg'), database: 'b', persistent: false }),
    ]);
    running.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect((await query(a.url, 'SELECT current_database() AS db')).rows).toEqual([{ db: 'a' }]);
    expect((await query(b.url, 'SELECT current_database() AS db')).rows).toEqual([{ db: 'b' }]);
  });
});
