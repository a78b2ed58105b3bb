import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { JobQueue, type NoPayload } from '../../jobs/job-queue.js';
import { StoredObjectOwners } from '../../storage/stored-object-owners.js';
import { InvoiceUpload } from './invoice-upload.entity.js';
import { UploadsController } from './uploads.controller.js';
import { UploadExpiryService } from './upload-expiry.service.js';
import { UploadsRepository } from './uploads.repository.js';
import { UPLOADS_AREA, UploadsService } from './uploads.service.js';

export const UPLOADS_EXPIRE_JOB = 'uploads-expire';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    [UPLOADS_EXPIRE_JOB]: NoPayload;
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([InvoiceUpload])],
  controllers: [UploadsController],
  providers: [UploadsService, UploadsRepository, UploadExpiryService],
  exports: [UploadsService],
})
export class UploadsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly expiry: UploadExpiryService,
    private readonly uploads: UploadsService,
    private readonly owners: StoredObjectOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define(UPLOADS_EXPIRE_JOB, {
      handle: () => this.expiry.expire(),
      cron: this.config.uploads.expiryCron,
    });
    // Objects no upload names (a PUT after its upload expired, a removal that failed) are collected.
    this.owners.register({ prefix: `${UPLOADS_AREA}/`, referenced: (keys) => this.uploads.keysInUse(keys) });
  }
}
