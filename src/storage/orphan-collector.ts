import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { FileStorage } from './file-storage.js';
import { StoredObjectOwners } from './stored-object-owners.js';

export const STORAGE_ORPHANS_JOB = 'storage-orphans';
const PAGE_SIZE = 500;

/**
 * Deletes stored objects that no row names and that are older than STORAGE_ORPHAN_AGE_SECONDS: a file
 * written by a request that died before its row, one whose row was deleted but whose removal failed, an
 * upload object left by an expired or replaced upload. The rule is "no row names it, and it is old",
 * never a key's shape. A file being saved now is safe twice over: it is younger than the age (longer than
 * any request), and references are read after the page was listed, so a row committed meanwhile counts.
 */
@Injectable()
export class OrphanCollector {
  constructor(
    private readonly storage: FileStorage,
    private readonly owners: StoredObjectOwners,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One pass over every owner's area, page by page: one reference query per page and owner. */
  async collect(
    options: { minAgeSeconds?: number; pageSize?: number } = {},
  ): Promise<{ listed: number; deleted: number }> {
    const minAgeMs = (options.minAgeSeconds ?? this.config.storage.orphanAgeSeconds) * 1000;
    let listed = 0;
    let deleted = 0;
    for (const area of this.owners.areas()) {
      for await (const page of this.storage.listPages(area, options.pageSize ?? PAGE_SIZE)) {
        listed += page.length;
        const cutoff = Date.now() - minAgeMs;
        const old = page.filter((o) => o.lastModified.getTime() <= cutoff).map((o) => o.key);
        if (old.length === 0) continue;
        const referenced = await this.owners.referenced(old);
        for (const key of old) {
          if (referenced.has(key)) continue;
          try {
            await this.storage.delete(key);
            deleted++;
          } catch (err) {
            this.logger.warn({ err, key }, 'could not delete an orphan object; the next run retries');
          }
        }
      }
    }
    return { listed, deleted };
  }
}
