import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface AppProcess {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` with `env` and resolves once GET /health/ready answers 200. Its output
 * goes to our stderr (LOG_LEVEL=warn keeps it quiet); it is also kept to explain a failed start.
 */
export async function startApp(env: Record<string, string>, port: number): Promise<AppProcess> {
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? npmStartFlags();
  const child = spawn(process.execPath, [...flags, 'dist/src/main.js'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const forward = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    process.stderr.write(text.replace(/^(?=.)/gm, '[app] '));
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = { url, pid: child.pid ?? 0, stop: () => stopChild(child, exited) };
  try {
    await waitReady(url, exited, 90_000);
  } catch (e) {
    await app.stop();
    throw new Error(`${(e as Error).message}\n--- app output ---\n${output.join('')}`, { cause: e });
  }
  return app;
}

/** The node flags of `npm start` (package.json's `start`: heap cap and GC tuning), the app as it is run. */
function npmStartFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const flags = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js$/.exec(scripts.start);
  if (!flags)
    throw new Error(`package.json's start script is not \`node [flags] dist/src/main.js\`: ${scripts.start}`);
  return flags[1].split(' ').filter(Boolean);
}

async function waitReady(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the app exited with code ${exitCode} before it was ready`);
    if (await isReady(url)) return;
    await sleep(200);
  }
  throw new Error(`the app was not ready within ${timeoutMs / 1000} s`);
}

export async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Samples a process's resident set size (VmRSS) every `intervalMs` and keeps the peak, overall and per phase. */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;
  private phasePeakKb = 0;
  private samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Peak RSS in MB over the whole run, or null when no sample could be read. */
  peakMb(): number | null {
    return this.samples > 0 ? this.peakKb / 1024 : null;
  }

  /** Starts a phase: `phasePeakMb` then reports the peak since this call. */
  startPhase(): void {
    this.phasePeakKb = 0;
    this.sample();
  }

  phasePeakMb(): number | null {
    return this.phasePeakKb > 0 ? this.phasePeakKb / 1024 : null;
  }

  private sample(): void {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (!match) return;
      this.samples += 1;
      this.peakKb = Math.max(this.peakKb, Number(match[1]));
      this.phasePeakKb = Math.max(this.phasePeakKb, Number(match[1]));
    } catch {
      // the process is gone, or this is not Linux: the peak stays what it was
    }
  }
}
