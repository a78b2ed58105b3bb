import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ENTRY = 'dist/src/main.js';

/**
 * Tests that run the app as its own process (to kill it) run the build: rebuilt here when a source file
 * is newer than it, so that they never test stale code.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(ENTRY).mtimeMs;
  } catch {
    // not built yet
  }
  if (newestMtime('src') > built || newestMtime('migrations') > built) {
    execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** `kill -9`, then waits until the process is gone. */
export async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
}
