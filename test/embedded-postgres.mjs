// Jest runs global setup with Node's own loader, which cannot import TypeScript. Rather than keep a
// second copy of the embedded server in JavaScript, this compiles the one implementation,
// src/database/embedded-postgres.ts (self-contained: Node built-ins and pg), to a module under
// node_modules/.cache, where its imports resolve as they do from src.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, 'src/database/embedded-postgres.ts');
const compiled = join(root, 'node_modules/.cache/pieces-api/embedded-postgres.mjs');

/** The module of src/database/embedded-postgres.ts, compiled again only when the source changed. */
export async function loadEmbeddedPostgres() {
  if (!isFresh()) {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
    });
    mkdirSync(dirname(compiled), { recursive: true });
    const partial = `${compiled}.${process.pid}.tmp`;
    writeFileSync(partial, outputText);
    renameSync(partial, compiled);
  }
  return import(`${pathToFileURL(compiled).href}?v=${statSync(compiled).mtimeMs}`);
}

function isFresh() {
  try {
    return statSync(compiled).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    return false;
  }
}
