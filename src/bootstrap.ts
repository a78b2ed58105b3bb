import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { failureMessage } from './common/errors/failure-message.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw e;
  }
}

let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  config = readConfig();
  const logger = createLogger(config);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info(
      { dataDir: join(config.dataDir, 'postgres') },
      'DATABASE_URL is unset: starting embedded PostgreSQL',
    );
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'postgres'),
      port: config.embeddedPostgresPort,
      portSetting: 'EMBEDDED_POSTGRES_PORT',
      database: 'pieces',
      notice: (m) => logger.warn(m),
    });
    databaseUrl = embedded.url;
    logger.info(
      { port: embedded.port, passwordFile: embedded.passwordFile },
      `embedded PostgreSQL on 127.0.0.1:${embedded.port} (user postgres, password in ${embedded.passwordFile})`,
    );
  }

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, databaseUrl, logger),
    {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
      // Nest would otherwise exit on a failed start (an unreachable DATABASE_URL) with no line of ours.
      abortOnError: false,
    },
  );
  setupApp(app, config, logger);
  // On SIGINT/SIGTERM: stop taking requests, finish jobs, close the pools, then stop the embedded server.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void app
        .close()
        .then(() => embedded?.stop())
        .catch((err: unknown) => logger.error({ err }, 'unclean shutdown'))
        .finally(() => process.exit(0));
    });
  }
  const { port, host } = config;
  await app.listen(port, host).catch((e: unknown) => {
    throw listenFailure(e, port, host);
  });
  logger.info(
    { url: config.publicUrl, docs: `${config.publicUrl}/docs`, storage: config.storageDriver },
    `listening on ${config.host}:${config.port}; Swagger UI at ${config.publicUrl}/docs`,
  );
}

/** A taken or forbidden port, said with the setting that chose it. */
function listenFailure(e: unknown, port: number, host: string): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `PORT=${port}: that port is already in use on ${host}: stop what listens there, or set PORT to another`,
    );
  if (code === 'EACCES')
    return new Error(
      `PORT=${port}: this user may not listen on ${host}:${port} (ports below 1024 need privileges): set PORT to 1024 or above`,
    );
  return e;
}

bootstrap().catch((e: unknown) => {
  // The cause in one line; the stack only for whoever asked for details.
  const details =
    ['debug', 'trace'].includes(config?.logLevel ?? '') && e instanceof Error ? `\n${e.stack}` : '';
  process.stderr.write(`Could not start: ${failureMessage(e)}${details}\n`);
  process.exit(1);
});
