import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { JobQueue, type NoPayload } from '../jobs/job-queue.js';
import { FileStorage } from './file-storage.js';
import { LocalFileStorage } from './local-file-storage.js';
import { LocalObjectsController } from './local-objects.controller.js';
import { OrphanCollector, STORAGE_ORPHANS_JOB } from './orphan-collector.js';
import { S3FileStorage } from './s3-file-storage.js';
import { SignedUrlUses } from './signed-url-uses.js';
import { StoredObjectOwners } from './stored-object-owners.js';
import { UrlSigner } from './url-signer.js';

const SIGNED_URL_USES_PURGE_JOB = 'signed-url-uses-purge';

declare module '../jobs/job-queue.js' {
  interface JobPayloads {
    [SIGNED_URL_USES_PURGE_JOB]: NoPayload;
    [STORAGE_ORPHANS_JOB]: NoPayload;
  }
}

/**
 * The signing secret: URL_SIGNING_SECRET, else one generated on first boot and kept in the database so
 * that every replica signs and verifies alike.
 */
async function signingSecret(config: AppConfig, dataSource: DataSource): Promise<string> {
  if (config.urlSigningSecret) return config.urlSigningSecret;
  await dataSource.query(
    `INSERT INTO app_settings (key, value) VALUES ('url_signing_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [randomBytes(32).toString('hex')],
  );
  const rows: { value: string }[] = await dataSource.query(
    `SELECT value FROM app_settings WHERE key = 'url_signing_secret'`,
  );
  return rows[0].value;
}

@Global()
@Module({
  controllers: [LocalObjectsController],
  providers: [
    SignedUrlUses,
    StoredObjectOwners,
    OrphanCollector,
    {
      provide: FileStorage,
      inject: [APP_CONFIG, UrlSigner],
      useFactory: async (config: AppConfig, signer: UrlSigner): Promise<FileStorage> => {
        if (config.s3) {
          const s3 = new S3FileStorage(config.s3);
          await s3.ensureBucket();
          return s3;
        }
        return new LocalFileStorage(join(config.dataDir, 'files'), signer, config.publicUrl);
      },
    },
    {
      provide: UrlSigner,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: async (config: AppConfig, dataSource: DataSource) =>
        new UrlSigner(await signingSecret(config, dataSource)),
    },
  ],
  exports: [FileStorage, UrlSigner, SignedUrlUses, StoredObjectOwners, OrphanCollector],
})
export class StorageModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly storage: FileStorage,
    private readonly jobs: JobQueue,
    private readonly uses: SignedUrlUses,
    private readonly orphans: OrphanCollector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Used upload-URL nonces are kept only while their URL could still be presented. */
  onModuleInit(): void {
    this.jobs.define(SIGNED_URL_USES_PURGE_JOB, {
      handle: () => this.uses.purgeExpired(),
      cron: '23 * * * *',
    });
    this.jobs.define(STORAGE_ORPHANS_JOB, {
      handle: () => this.orphans.collect(),
      cron: this.config.storage.orphanCron,
    });
    // Its predecessor looked only under uploads/; its schedule must not keep queuing jobs no one takes.
    this.jobs.retire('uploads-orphans');
  }

  onApplicationShutdown(): void {
    if (this.storage instanceof S3FileStorage) this.storage.destroy();
  }
}
