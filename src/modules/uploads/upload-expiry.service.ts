import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import { FileStorage } from '../../storage/file-storage.js';
import { InvoiceUpload } from './invoice-upload.entity.js';
import { UPLOADS_AREA } from './uploads.service.js';

/** An object under uploads/ with no row, older than this, is garbage. */
const ORPHAN_AGE_MS = 2 * 3600 * 1000;

/** The uploads' scheduled jobs (uploads.module.ts): nothing unattached outlives its time, no file its row. */
@Injectable()
export class UploadExpiryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
        const due = await manager.getRepository(InvoiceUpload).find({
          where: { status: In(['pending', 'confirmed']), expiresAt: LessThan(new Date()) },
          take: batchSize,
          lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
        });
        for (const upload of due) {
          await this.storage.delete(upload.s3Key);
          await manager.getRepository(InvoiceUpload).delete({ id: upload.id });
        }
        return due.length;
      });
      expired += removed;
      if (removed < batchSize) break;
    }
    return { expired };
  }

  /** Objects under uploads/ that no row names (e.g. a PUT after the row expired) are deleted. */
  async collectOrphans(): Promise<{ deleted: number }> {
    let deleted = 0;
    const cutoff = Date.now() - ORPHAN_AGE_MS;
    for await (const object of this.storage.list(`${UPLOADS_AREA}/`)) {
      if (object.lastModified.getTime() > cutoff) continue;
      const known = await this.dataSource.getRepository(InvoiceUpload).existsBy({ s3Key: object.key });
      if (!known) {
        await this.storage.delete(object.key);
        deleted++;
      }
    }
    return { deleted };
  }
}
