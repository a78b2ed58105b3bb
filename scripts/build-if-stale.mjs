// `npm start` runs this instead of a full `nest build` (~25 s) each time: it builds only when dist/ is
// missing or older than what it is built from, so a fresh clone still works with `npm ci && npm start`
// and an up-to-date one starts in seconds. `npm run build` stamps dist/ when it succeeds (postbuild:
// `--stamp`), so a failed build is never taken for an up-to-date one.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'dist', '.build-stamp');
/** What the build reads (tsconfig.build.json, nest-cli.json); directories count for files removed. */
const inputs = [
  'src',
  'migrations',
  'scripts',
  'bench',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

const builtAt = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
const changed = builtAt === undefined ? undefined : newerThan(builtAt);
if (builtAt !== undefined && changed === undefined) {
  process.stdout.write('dist/ is up to date: no build\n');
  process.exit(0);
}
process.stdout.write(
  builtAt === undefined
    ? 'no complete build in dist/: building\n'
    : `${changed} changed since the last build: building\n`,
);
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);

/** The first input modified after `time`, if any. */
function newerThan(time) {
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (stat.mtimeMs > time) return path;
    if (!stat.isDirectory()) return undefined;
    for (const entry of readdirSync(path)) {
      const found = visit(join(path, entry));
      if (found) return found;
    }
    return undefined;
  };
  for (const input of inputs) {
    const found = visit(join(root, input));
    if (found) return found.slice(root.length + 1);
  }
  return undefined;
}
