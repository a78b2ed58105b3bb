import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FileStorage } from '../../storage/file-storage.js';
import { UploadsRepository } from './uploads.repository.js';

/**
 * The uploads' expiry job (uploads.module.ts): nothing unattached outlives its time. Objects without
 * their row go with the storage's orphan collection (storage/orphan-collector.ts).
 */
@Injectable()
export class UploadExpiryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: UploadsRepository,
    private readonly storage: FileStorage,
  ) {}

  /**
   * Pending or confirmed uploads past their time lose their object, then their row. Rows are claimed
   * with SKIP LOCKED, so two replicas never handle the same one.
   */
  async expire(batchSize = 200): Promise<{ expired: number }> {
    let expired = 0;
    for (;;) {
      const removed = await this.dataSource.transaction(async (manager) => {
        const due = await this.repository.lockExpired(manager, batchSize);
        for (const upload of due) {
          await this.storage.delete(upload.s3Key);
          await this.repository.delete(manager, upload.id);
        }
        return due.length;
      });
      expired += removed;
      if (removed < batchSize) break;
    }
    return { expired };
  }
}
