// The one implementation of the embedded PostgreSQL, used by `npm start` (src/bootstrap.ts), the scripts
// (scripts/database-url.ts) and the tests (test/global-setup.mjs, which loads this very file). It must stay
// self-contained: Node built-ins and `pg` only, no import of the app.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** The cluster's directory. */
  dataDir: string;
  /** Where the superuser's generated password is kept (mode 0600). */
  passwordFile: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Unset: a free port on 127.0.0.1, chosen at each start, so that two servers never collide. */
  port?: number;
  /** The setting `port` came from: the message when that port is taken names it. */
  portSetting?: string;
  database: string;
  /** Keep the cluster on disk after stop (the app's default); tests and scripts throw theirs away. */
  persistent?: boolean;
  /** One line for each thing done on the user's behalf (a leftover server stopped, a mode changed). */
  notice?: (message: string) => void;
}

/** A start that failed for a known reason; its message is one line saying what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*\n\s*/g, ' '), options);
    this.name = 'EmbeddedPostgresError';
  }
}

const SUPERUSER = 'postgres';
/** What clusters created before the password was generated were given. */
const LEGACY_PASSWORD = 'postgres';
export const PASSWORD_FILE = 'pieces-superuser.password';
export const LOCK_FILE = 'pieces-app.lock';
export const LOG_FILE = 'embedded-postgres.log';

interface Binaries {
  initdb: string;
  postgres: string;
  binDir: string;
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Starts (creating it on first use) the PostgreSQL cluster in `dataDir`, from the binaries that npm
 * installed, listening on 127.0.0.1 only. Used when DATABASE_URL is unset.
 *
 * - One app per data directory: a lock file names the process using it; a second start says so.
 * - A server that a killed app left running (its postmaster.pid names a live postgres of this directory)
 *   is stopped cleanly first; a pid file of a dead process is removed.
 * - The superuser's password is generated per cluster and kept in the cluster, mode 0600.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(options.dataDir);
  const notice = options.notice ?? (() => undefined);
  const persistent = options.persistent ?? true;
  const binaries = await findBinaries();
  const runAs = isRoot() ? await postgresOsUser() : undefined;
  mkdirSync(dirname(dir), { recursive: true });
  if (runAs) {
    allowTraversal(binaries.binDir, notice);
    allowTraversal(dir, notice);
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) await initialise(dir, binaries, runAs, persistent);

  const lock = acquireLock(dir);
  let server: RunningServer | undefined;
  let password: string;
  try {
    removeAbandonedInits(dir);
    await stopLeftoverServer(dir, notice);
    server = await startServer(dir, binaries, runAs, options, persistent);
    password = await superuserPassword(dir, server.port, notice);
    const adminUrl = databaseUrl(password, server.port, 'postgres');
    await createDatabaseIfMissing(adminUrl, options.database);
  } catch (e) {
    await server?.stop();
    lock.release();
    throw e;
  }

  const running = server;
  const onExit = (): void => {
    // The process is ending without stop(): let the server shut itself down rather than leave it behind.
    running.signal(persistent ? 'SIGINT' : 'SIGQUIT');
    lock.release();
  };
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url: databaseUrl(password, running.port, options.database),
    port: running.port,
    dataDir: dir,
    passwordFile: join(dir, PASSWORD_FILE),
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', onExit);
        await running.stop();
        lock.release();
        if (!persistent) rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function databaseUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

// --- binaries and the OS user ----------------------------------------------------------------------

async function findBinaries(): Promise<Binaries> {
  // The platform packages are optional dependencies of `embedded-postgres`; its main module is not
  // imported because it takes over SIGINT/SIGTERM and cannot tell why a start failed.
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let found: { initdb?: unknown; postgres?: unknown };
  try {
    found = (await import(name)) as { initdb?: unknown; postgres?: unknown };
  } catch (e) {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL for ${platform()}-${arch()} (package ${name} is not installed): set DATABASE_URL to a PostgreSQL server, or install it with npm ci`,
      { cause: e },
    );
  }
  if (typeof found.initdb !== 'string' || typeof found.postgres !== 'string') {
    throw new EmbeddedPostgresError(`package ${name} does not name its initdb and postgres programs`);
  }
  return { initdb: found.initdb, postgres: found.postgres, binDir: dirname(found.postgres) };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

const execFileAsync = promisify(execFile);

/** PostgreSQL refuses to run as root: as root, it runs as the OS user `postgres`, created if missing. */
async function postgresOsUser(): Promise<OsUser> {
  const lookUp = async (): Promise<OsUser> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', SUPERUSER]),
      execFileAsync('id', ['-g', SUPERUSER]),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookUp();
  } catch {
    // created below
  }
  try {
    await execFileAsync('groupadd', ['--system', SUPERUSER]).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', SUPERUSER, '-M', '-s', '/usr/sbin/nologin', SUPERUSER]);
    return await lookUp();
  } catch (e) {
    throw new EmbeddedPostgresError(
      `running as root, PostgreSQL must run as the OS user "postgres", which could not be created (${oneLine(e)}): create it (useradd postgres), run as a normal user, or set DATABASE_URL`,
      { cause: e },
    );
  }
}

/**
 * Running as root, the `postgres` user must be able to reach the binaries and the data directory:
 * gives "others" the traverse bit (not the read bit: names stay unlistable) on each parent lacking it,
 * and says so, since it changes a directory the user may have made private.
 */
function allowTraversal(path: string, notice: (message: string) => void): void {
  for (let current = dirname(path); ; current = dirname(current)) {
    try {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(current, (mode & 0o7777) | 0o001);
        notice(
          `added the traverse bit for others to ${current} (chmod o+x): as root, PostgreSQL runs as the OS user postgres, which must reach ${path}`,
        );
      }
    } catch {
      // missing or not ours to change: the start then reports what it could not reach
    }
    if (dirname(current) === current) break;
  }
}

// --- creation --------------------------------------------------------------------------------------

/**
 * Creates the cluster in a sibling directory and renames it into place once complete, so that an
 * interrupted first start leaves no half-made cluster behind, only a `.init-*` directory.
 */
async function initialise(dir: string, binaries: Binaries, runAs: OsUser | undefined, persistent: boolean) {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new EmbeddedPostgresError(
      `${dir} is neither empty nor a PostgreSQL data directory (it has no PG_VERSION): move it away, or set DATA_DIR to another directory`,
    );
  }
  const staging = mkdtempSync(`${dir}.init-`);
  const password = randomBytes(24).toString('base64url');
  const secretDir = mkdtempSync(join(tmpdir(), 'pieces-pg-init-'));
  const pwfile = join(secretDir, 'password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      for (const path of [staging, secretDir, pwfile]) chownSync(path, runAs.uid, runAs.gid);
    }
    await runToEnd(
      binaries.initdb,
      [
        `--pgdata=${staging}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        ...(persistent ? [] : ['--no-sync']),
      ],
      runAs,
    );
    writePassword(staging, password);
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another process created the same cluster meanwhile: keep theirs.
      if (!existsSync(join(dir, 'PG_VERSION'))) throw e;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** A first start killed during initdb leaves its staging directory; another start may be making one now. */
function removeAbandonedInits(dir: string): void {
  const prefix = `${basename(dir)}.init-`;
  for (const name of readdirSync(dirname(dir))) {
    const path = join(dirname(dir), name);
    if (!name.startsWith(prefix)) continue;
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 60 * 60_000) rmSync(path, { recursive: true, force: true });
  }
}

function runToEnd(program: string, args: string[], runAs: OsUser | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const child = spawn(program, args, { ...runAs, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (e) => reject(spawnFailure(program, e, runAs)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new EmbeddedPostgresError(`initdb failed (${signal ?? `exit ${code}`}): ${lastProblem(output)}`),
        );
    });
  });
}

function spawnFailure(program: string, e: NodeJS.ErrnoException, runAs: OsUser | undefined): Error {
  const hint =
    runAs && e.code === 'EACCES'
      ? ': the OS user postgres cannot reach it; run as a normal user, or make its parent directories traversable (chmod o+x)'
      : '';
  return new EmbeddedPostgresError(`could not run ${program} (${e.code ?? e.message})${hint}`, { cause: e });
}

function childEnv(): NodeJS.ProcessEnv {
  // Messages in English whatever the machine's locale, so that they can be recognised.
  return { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
}

// --- one app per data directory --------------------------------------------------------------------

interface Lock {
  release(): void;
}

/**
 * A file in the cluster naming the process that uses it, with its start time and the boot, so that a
 * pid reused after a crash or a reboot (a container's pid 1) is not taken for the holder.
 */
function acquireLock(dir: string): Lock {
  const path = join(dir, LOCK_FILE);
  const mine = processIdentity(process.pid);
  const release = (): void => {
    if (readIfExists(path) === mine) rmSync(path, { force: true });
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx', mode: 0o644 });
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readIfExists(path);
    if (held === undefined) continue;
    const pid = Number(held.split(' ')[0]);
    if (held.trim() !== '' && isSameProcess(held)) {
      throw new EmbeddedPostgresError(
        `${dir} is already in use by another process (pid ${pid}): stop it first, or set DATA_DIR to another directory (two servers on one data directory would corrupt it)`,
      );
    }
    // Left by a process that died: remove it unless someone replaced it meanwhile.
    if (readIfExists(path) === held) rmSync(path, { force: true });
  }
  throw new EmbeddedPostgresError(`could not take the lock ${path}: another process keeps taking it`);
}

function processIdentity(pid: number): string {
  return `${pid} ${startTimeOf(pid) ?? '-'} ${bootId() ?? '-'}\n`;
}

function isSameProcess(identity: string): boolean {
  const [pidText, start, boot] = identity.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return false;
  if (boot && boot !== '-' && bootId() !== undefined && boot !== bootId()) return false;
  const startNow = startTimeOf(pid);
  return !(start && start !== '-' && startNow !== undefined && start !== startNow);
}

/** Linux: the process's start time in clock ticks since boot (field 22 of /proc/PID/stat). */
function startTimeOf(pid: number): string | undefined {
  const stat = readIfExists(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function bootId(): string | undefined {
  return readIfExists('/proc/sys/kernel/random/boot_id')?.trim();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie answers signals but is gone.
  const stat = readIfExists(`/proc/${pid}/stat`);
  return !stat || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

// --- a server left running -------------------------------------------------------------------------

/**
 * After `kill -9` of the app, its server keeps running (it is a process of its own) with the data
 * directory locked. The app lock says no live app uses it any more, so stop it cleanly; a pid file whose
 * process is gone, or is not a postgres of this directory, is removed.
 */
async function stopLeftoverServer(dir: string, notice: (message: string) => void): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  const content = readIfExists(pidFile);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresOf(pid, dir)) {
    notice(`stopping the embedded PostgreSQL (pid ${pid}) that a previous run left running in ${dir}`);
    await terminate(pid, dir);
  }
  rmSync(pidFile, { force: true });
}

function isPostgresOf(pid: number, dir: string): boolean {
  if (!isRunning(pid)) return false;
  try {
    // The postmaster works in its data directory.
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(dir);
  } catch {
    // no /proc (macOS) or not ours to read
  }
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('postgres');
  } catch {
    return false;
  }
}

async function terminate(pid: number, dir: string): Promise<void> {
  // SIGINT is PostgreSQL's fast shutdown (rolls back open transactions, writes a checkpoint).
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return;
      // Not ours to stop (another user's): leave its pid file, which keeps PostgreSQL from a second start.
      throw new EmbeddedPostgresError(
        `the PostgreSQL server (pid ${pid}) running on ${dir} cannot be stopped by this user (${(e as NodeJS.ErrnoException).code}): stop it, or set DATA_DIR to another directory`,
      );
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isRunning(pid)) return;
      await sleep(50);
    }
  }
  throw new EmbeddedPostgresError(`the embedded PostgreSQL left running (pid ${pid}) does not stop: kill it`);
}

// --- running the server ----------------------------------------------------------------------------

interface RunningServer {
  port: number;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

async function startServer(
  dir: string,
  binaries: Binaries,
  runAs: OsUser | undefined,
  options: EmbeddedPostgresOptions,
  persistent: boolean,
): Promise<RunningServer> {
  const setting = options.portSetting ?? 'the port';
  const takenMessage = (port: number) =>
    `${setting}=${port}: that port is already in use on 127.0.0.1; stop what uses it, choose another port, or unset ${setting} to let the app pick a free one`;
  for (let attempt = 1; ; attempt++) {
    let port: number;
    if (options.port === undefined) {
      port = await freePort();
    } else {
      port = options.port;
      if (!(await portIsFree(port))) throw new EmbeddedPostgresError(takenMessage(port));
    }
    const logFile = join(dir, LOG_FILE);
    const log = openSync(logFile, 'w', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(
        binaries.postgres,
        [
          '-D',
          dir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          // No Unix socket: its path (in /tmp) would be one more thing two servers could fight over.
          '-c',
          'unix_socket_directories=',
          ...(persistent
            ? []
            : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        ],
        // Its own process group: a Ctrl-C in the terminal reaches the app, which stops the server last.
        { ...runAs, env: childEnv(), stdio: ['ignore', log, log], detached: true, windowsHide: true },
      );
    } finally {
      closeSync(log);
    }
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    const spawnError = new Promise<Error>((resolveError) =>
      child.once('error', (e) => resolveError(spawnFailure(binaries.postgres, e, runAs))),
    );
    child.unref();
    const server: RunningServer = {
      port,
      signal: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      stop: async () => {
        server.signal('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 30_000))),
        ]);
        clearTimeout(timer);
        if (!stopped) {
          server.signal('SIGQUIT');
          await exited;
        }
      },
    };

    const outcome = await waitUntilReady(dir, port, exited, spawnError);
    if (outcome === 'ready') return server;
    await server.stop();
    if (outcome instanceof Error) throw outcome;
    const problem = lastProblem(readIfExists(logFile) ?? '');
    if (/could not (bind|create listen socket)|address already in use/i.test(readIfExists(logFile) ?? '')) {
      // Someone took the free port between our check and the server's bind: pick another.
      if (options.port === undefined && attempt < 5) continue;
      throw new EmbeddedPostgresError(takenMessage(port));
    }
    throw new EmbeddedPostgresError(`PostgreSQL stopped while starting: ${problem} (full log: ${logFile})`);
  }
}

/** PostgreSQL writes "ready" in postmaster.pid once it accepts connections (what pg_ctl waits for). */
async function waitUntilReady(
  dir: string,
  port: number,
  exited: Promise<void>,
  spawnError: Promise<Error>,
): Promise<'ready' | 'exited' | Error> {
  let done: 'exited' | Error | undefined;
  void exited.then(() => (done ??= 'exited'));
  void spawnError.then((e) => (done = e));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await sleep(25);
    if (done) return done;
    const lines = readIfExists(join(dir, 'postmaster.pid'))?.split('\n');
    if (lines && Number(lines[3]) === port && lines[7]?.trim() === 'ready') return 'ready';
  }
  return new EmbeddedPostgresError(
    `PostgreSQL did not become ready within 2 minutes (log: ${join(dir, LOG_FILE)})`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EADDRINUSE' ? resolveFree(false) : reject(e),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree(true)));
  });
}

// --- the superuser's password ----------------------------------------------------------------------

function readPassword(dir: string): string | undefined {
  return readIfExists(join(dir, PASSWORD_FILE))?.trim() || undefined;
}

/** Written whole or not at all, readable by its owner only. */
function writePassword(dir: string, password: string): void {
  const path = join(dir, PASSWORD_FILE);
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, `${password}\n`, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, path);
}

/**
 * The password that logs in. A cluster made before passwords were generated still has the old default
 * one: it gets a generated password (the file is written first, so a crash in between is retried).
 */
async function superuserPassword(
  dir: string,
  port: number,
  notice: (message: string) => void,
): Promise<string> {
  const stored = readPassword(dir);
  if (stored !== undefined && (await canLogIn(port, stored))) return stored;
  if (await canLogIn(port, LEGACY_PASSWORD)) {
    const password = stored ?? randomBytes(24).toString('base64url');
    if (stored === undefined) writePassword(dir, password);
    const client = new pg.Client({ connectionString: databaseUrl(LEGACY_PASSWORD, port, 'postgres') });
    await client.connect();
    try {
      await client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(password)}`);
    } finally {
      await client.end();
    }
    notice(
      `the embedded PostgreSQL superuser had the old default password: it now has a generated one, kept in ${join(dir, PASSWORD_FILE)}`,
    );
    return password;
  }
  throw new EmbeddedPostgresError(
    stored === undefined
      ? `cannot log in to the embedded PostgreSQL in ${dir}: its password file ${PASSWORD_FILE} is missing and the old default password is refused; restore the file, or move the directory away to start afresh`
      : `cannot log in to the embedded PostgreSQL in ${dir} with the password in ${join(dir, PASSWORD_FILE)}; restore the right file, or move the directory away to start afresh`,
  );
}

async function canLogIn(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl(password, port, 'postgres') });
  try {
    await client.connect();
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '28P01') return false;
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// --- small helpers ---------------------------------------------------------------------------------

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * What went wrong, from PostgreSQL's output: its last FATAL/PANIC/ERROR line (or initdb's "error:"), with
 * the line before it when that one says why (a FATAL "contains errors" follows the invalid setting).
 */
function lastProblem(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim().replace(/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] /, ''))
    .filter(Boolean);
  const at = lines.findLastIndex((l) => /^(FATAL|PANIC|ERROR):|error:|could not/i.test(l));
  if (at < 0) return lines.at(-1) ?? 'no output';
  const before = lines[at - 1];
  const why = before && /invalid|could not|error|denied|permission/i.test(before) ? `${before}; ` : '';
  return `${why}${lines[at]}`.replace(/\s{2,}/g, ' ');
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
