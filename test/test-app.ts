import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { createLogger } from '../src/common/logging/logger.js';
import { JobQueue } from '../src/jobs/job-queue.js';
import { loadConfig, type AppConfig } from '../src/config/app-config.js';

export const TEST_ADMIN_KEY = 'test-platform-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/**
 * The real app (same AppModule and setupApp as main.ts) on the run's real PostgreSQL, files in a temp dir.
 * With `listen`, it also serves on a free port of 127.0.0.1 (PUBLIC_URL points there), for clients that
 * follow the URLs it hands out. `beforeInit` runs before the modules start: where a test defines its
 * own jobs or event subscriptions.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { listen?: boolean; beforeInit?: (app: NestExpressApplication) => void } = {},
): Promise<TestApp> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl)
    throw new Error('TEST_DATABASE_URL is unset: run the e2e tests through jest (global setup)');
  const port = options.listen ? await freePort() : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pieces-files-')),
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    PUBLIC_URL: port ? `http://127.0.0.1:${port}` : 'http://127.0.0.1',
    ...env,
  });
  const logger = createLogger(config);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, databaseUrl, logger)],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  setupApp(app, config, logger);
  options.beforeInit?.(app);
  await app.init();
  if (port) await app.listen(port, '127.0.0.1');
  const server = app.getHttpServer();
  return { app, config, http: () => request(server), close: () => app.close() };
}

export interface TestOrganization {
  id: string;
  key: string;
}

/** A new organization of its own for each test, so tests never see each other's data. */
export async function createOrganization(t: TestApp, name = 'Test SARL'): Promise<TestOrganization> {
  const res = await t
    .http()
    .post('/api/v1/organizations')
    .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
    .send({ name })
    .expect(201);
  return { id: res.body.organization.id, key: res.body.apiKey.key };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the jobs due now (those an event subscription queued, say) and returns once none is due or
 * running: what a test awaits instead of sleeping.
 */
export function drainJobs(t: TestApp, timeoutMs?: number): Promise<void> {
  return t.app.get(JobQueue).drain(timeoutMs);
}
