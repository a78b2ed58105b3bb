import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Where the host's CPU went during a phase, in cores (1 = one core busy all the time): the app, its
 * PostgreSQL, the bench itself (autocannon), and everything else. On a small shared machine "others"
 * says whether the figures were taken on a quiet host. Linux only (/proc); elsewhere all null.
 */
export interface CpuSplit {
  host: number | null;
  app: number | null;
  postgres: number | null;
  bench: number;
  others: number | null;
}

const USER_HZ = 100; // /proc/<pid>/stat times are in USER_HZ ticks, 100 on Linux

export class CpuMeter {
  private start:
    | {
        wall: number;
        host: HostTicks | null;
        app: number | null;
        pg: Map<number, number>;
        self: NodeJS.CpuUsage;
      }
    | undefined;

  /** `postgresPort`: the port of a PostgreSQL server on this host, to tell its processes apart. */
  constructor(
    private readonly appPid: number | undefined,
    private readonly postgresPort: number | undefined,
  ) {}

  begin(): void {
    this.start = {
      wall: performance.now(),
      host: hostTicks(),
      app: this.appPid ? processTicks(this.appPid) : null,
      pg: this.postgresTicks(),
      self: process.cpuUsage(),
    };
  }

  end(): CpuSplit {
    const start = this.start;
    if (!start) throw new Error('CpuMeter.end() before begin()');
    const seconds = (performance.now() - start.wall) / 1000;
    const cores = (ticks: number) => ticks / USER_HZ / seconds;

    const hostNow = hostTicks();
    const host =
      start.host && hostNow && hostNow.total > start.host.total
        ? ((hostNow.busy - start.host.busy) / (hostNow.total - start.host.total)) * availableParallelism()
        : null;
    const appNow = this.appPid ? processTicks(this.appPid) : null;
    const app = start.app !== null && appNow !== null ? cores(appNow - start.app) : null;
    let postgres: number | null = null;
    const pgNow = this.postgresTicks();
    if (pgNow.size > 0) {
      // A backend that started during the phase counts from zero.
      let ticks = 0;
      for (const [pid, now] of pgNow) ticks += now - (start.pg.get(pid) ?? 0);
      postgres = cores(ticks);
    }
    const self = process.cpuUsage(start.self);
    const bench = (self.user + self.system) / 1e6 / seconds;
    const others = host === null ? null : Math.max(0, host - (app ?? 0) - (postgres ?? 0) - bench);
    return { host, app, postgres, bench, others };
  }

  private postgresTicks(): Map<number, number> {
    const ticks = new Map<number, number>();
    if (!this.postgresPort) return ticks;
    for (const pid of postgresPids(this.postgresPort)) {
      const t = processTicks(pid);
      if (t !== null) ticks.set(pid, t);
    }
    return ticks;
  }
}

/** The bench's own share before it starts: something else busy on the host skews every figure. */
export async function hostBusyCores(ms: number): Promise<number | null> {
  const before = hostTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = hostTicks();
  if (!before || !after || after.total <= before.total) return null;
  return ((after.busy - before.busy) / (after.total - before.total)) * availableParallelism();
}

interface HostTicks {
  busy: number;
  total: number;
}

function hostTicks(): HostTicks | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - (fields[4] ?? 0), total }; // minus idle and iowait
  } catch {
    return null;
  }
}

/** User + system ticks of a process, or null when it is gone. */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** The postmaster started with `-p <port>` and its children (backends, workers). */
function postgresPids(port: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const parents = new Map<number, number>();
  let postmaster: number | undefined;
  for (const entry of entries) {
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (postmaster === undefined && stat.includes('(postgres)')) {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const p = args.indexOf('-p');
        if (p >= 0 && args[p + 1] === String(port)) postmaster = pid;
      }
    } catch {
      // gone meanwhile
    }
  }
  if (postmaster === undefined) return [];
  return [postmaster, ...[...parents].filter(([, ppid]) => ppid === postmaster).map(([pid]) => pid)];
}
