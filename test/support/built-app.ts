import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Tests that run the app as its own process (to kill it) run the build: rebuilt first, as `npm start`
 * does, when a build input is newer than it, so that they never test stale code.
 */
export function ensureBuilt(): void {
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'ignore' });
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
