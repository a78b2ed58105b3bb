import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads the `.env` file of the working directory (the project root under `npm start`), when there is
 * one, into `env`: `cp .env.example .env` then works without exporting anything. The real environment
 * wins: a variable already set is left as it is. An empty value means "the default", as in the
 * environment, so it is not copied (an empty UV_THREADPOOL_SIZE would otherwise undo main.ts' default).
 * Returns the names it set.
 */
export function loadEnvFile(path = resolve('.env'), env: NodeJS.ProcessEnv = process.env): string[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${path} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      cause: e,
    });
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(content))) {
    if (value === undefined || value === '' || env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
