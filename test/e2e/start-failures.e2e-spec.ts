import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../support/built-app.js';
import { freePort } from '../test-app.js';

/** The built app as `npm start` runs it, until it exits: its exit code and what it wrote to stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'pieces-start-')),
        ADMIN_API_KEY: 'start-failures-admin-key-0123456789abcdef',
        LOG_LEVEL: 'silent',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a start that fails says why in one line naming the setting', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('a taken PORT', async () => {
    const port = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await start({ PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      expect(stderr).toContain(
        `Could not start: PORT=${port}: that port is already in use on 127.0.0.1: stop what listens there, or set PORT to another\n`,
      );
    } finally {
      taken.close();
    }
  }, 90_000);

  it('an invalid setting', async () => {
    const { code, stderr } = await start({ PORT: 'trois mille' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).not.toMatch(/\bat .+\.js:\d+/); // no stack
  }, 90_000);
});
