import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));
const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

/**
 * `npm start` (prestart) in a copy of the project layout whose `npm run build` only records that it ran:
 * what matters is whether a build is started, not the build itself (~25 s).
 */
describe('npm start builds only when dist/ is missing or stale', () => {
  let root: string;
  const builds = () =>
    existsSync(join(root, 'builds')) ? readFileSync(join(root, 'builds'), 'utf8').length : 0;
  const prestart = () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, npm_execpath: join(root, 'fake-npm.mjs') },
    });
    expect(run.status).toBe(0);
    return run.stdout.trim().split('\n')[0];
  };
  const past = (path: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, t, t);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pieces-build-'));
    mkdirSync(join(root, 'scripts'));
    mkdirSync(join(root, 'src'));
    copyFileSync(script, join(root, 'scripts', 'build-if-stale.mjs'));
    writeFileSync(join(root, 'src', 'main.ts'), 'export {};\n');
    // `npm run build` = nest build (which empties dist/) then postbuild (the stamp).
    writeFileSync(
      join(root, 'fake-npm.mjs'),
      `import { appendFileSync, mkdirSync } from 'node:fs';
       import { execFileSync } from 'node:child_process';
       appendFileSync(${JSON.stringify(join(root, 'builds'))}, 'x');
       mkdirSync(${JSON.stringify(join(root, 'dist'))}, { recursive: true });
       execFileSync(process.execPath, [${JSON.stringify(join(root, 'scripts', 'build-if-stale.mjs'))}, '--stamp']);`,
    );
    for (const path of [join(root, 'src', 'main.ts'), join(root, 'src'), join(root, 'scripts')])
      past(path, 60);
    past(join(root, 'scripts', 'build-if-stale.mjs'), 60);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is what prestart runs, and postbuild stamps a successful build', () => {
    const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prestart).toBe('node scripts/build-if-stale.mjs');
    expect(scripts.postbuild).toBe('node scripts/build-if-stale.mjs --stamp');
  });

  it('builds a fresh clone once, then starts without building', () => {
    expect(prestart()).toBe('no complete build in dist/: building');
    expect(builds()).toBe(1);
    expect(prestart()).toBe('dist/ is up to date: no build');
    expect(builds()).toBe(1);
  });

  it('builds again after a source changed, or was removed', () => {
    prestart();
    past(join(root, 'dist', '.build-stamp'), 30);
    writeFileSync(join(root, 'src', 'main.ts'), 'export const changed = 1;\n');
    expect(prestart()).toBe('src/main.ts changed since the last build: building');
    expect(prestart()).toBe('dist/ is up to date: no build');
    past(join(root, 'dist', '.build-stamp'), 30);
    rmSync(join(root, 'src', 'main.ts'));
    expect(prestart()).toBe('src changed since the last build: building');
    expect(builds()).toBe(3);
  });

  it('builds when the last build did not finish (no stamp)', () => {
    prestart();
    rmSync(join(root, 'dist', '.build-stamp'));
    expect(prestart()).toBe('no complete build in dist/: building');
    expect(builds()).toBe(2);
  });
});
