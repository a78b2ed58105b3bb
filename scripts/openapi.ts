/**
 * Writes the OpenAPI document to openapi.json, or with --check fails when the committed file differs
 * from what the code declares. Nest's preview mode builds the routes without connecting to anything.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { createOpenApiDocument } from '../src/app.setup.js';
import { createLogger } from '../src/common/logging/logger.js';
import { loadConfig } from '../src/config/app-config.js';

// This file runs compiled, from dist/scripts/.
const target = join(import.meta.dirname, '..', '..', 'openapi.json');

const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
const app = await NestFactory.create<NestExpressApplication>(
  AppModule.forRoot(config, 'postgres://preview.invalid/none', createLogger(config)),
  { preview: true, logger: false, abortOnError: false },
);
const spec = `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`;
await app.close();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // reported below
  }
  if (committed !== spec) {
    console.error('openapi.json differs from the code: run `npm run openapi` and commit the result.');
    process.exit(1);
  }
  console.log('openapi.json matches the code.');
} else {
  writeFileSync(target, spec);
  console.log(`Wrote ${target}`);
}
