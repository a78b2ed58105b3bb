import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { LOGGER } from '../../common/logging/logger.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { FileStorage, StorageObjectNotFound } from '../../storage/file-storage.js';
import { readCursor, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import { slugify, stripExtension } from '../../common/files/file-names.js';
import type { InvoiceUpload } from './invoice-upload.entity.js';
import {
  allowedType,
  extensionOf,
  sniffType,
  SNIFF_BYTES,
  UPLOAD_ALLOWED_TYPES,
  UPLOAD_MAX_SIZE,
} from './upload-types.js';
import { UploadsRepository } from './uploads.repository.js';
import {
  alreadyAttached,
  checksumDiffers,
  notConfirmed,
  notUploadedYet,
  unsupportedType,
  uploadNotFound,
  uploadRejected,
} from './uploads.errors.js';

export interface Presigned {
  uploadId: string;
  method: 'PUT';
  url: string;
  expiresInSeconds: number;
  maxSize: number;
  allowedTypes: string[];
  s3Key: string;
}

export interface FileUrl {
  url: string;
  expiresInSeconds: number;
  filename: string;
  mimeType: string;
}

/** A confirmed upload's file, as its holder keeps it once attached. */
export interface UploadedDocument {
  uploadId: string;
  key: string;
  fileName: string;
  mimeType: string;
  size: number;
}

/** Time allowed after a presigned URL expires for a PUT that started in time to finish and be confirmed. */
const PENDING_GRACE_SECONDS = 3600;
export const UPLOADS_AREA = 'uploads';
const UPLOAD_SORT = 'invoice-uploads:created_at';

@Injectable()
export class UploadsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: UploadsRepository,
    private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async presign(
    organizationId: string,
    input: { filename: string; mimeType: string; size: number },
    withinWrite?: WithinWrite<Presigned>,
  ): Promise<Presigned> {
    const type = allowedType(input.mimeType);
    if (!type) throw unsupportedType(UPLOAD_ALLOWED_TYPES);
    const id = randomUUID();
    const s3Key = `${UPLOADS_AREA}/${organizationId}/${id}/${slugify(stripExtension(input.filename))}.${extensionOf(type)}`;
    const ttl = this.config.uploads.urlTtlSeconds;
    const presigned = await this.storage.presignPut(s3Key, {
      contentType: type,
      size: input.size,
      expiresInSeconds: ttl,
    });
    return writeWithin(this.dataSource, withinWrite, async (manager) => {
      await this.repository.insert(manager, {
        id,
        organizationId,
        status: 'pending',
        fileName: input.filename,
        declaredType: type,
        size: String(input.size),
        s3Key,
        expiresAt: new Date(Date.now() + (ttl + PENDING_GRACE_SECONDS) * 1000),
      });
      return {
        uploadId: id,
        method: 'PUT' as const,
        url: presigned.url,
        expiresInSeconds: ttl,
        maxSize: UPLOAD_MAX_SIZE,
        allowedTypes: [...UPLOAD_ALLOWED_TYPES],
        s3Key,
      };
    });
  }

  /**
   * Checks what was uploaded: it exists, has the declared size, is an allowed type by its content
   * (matching the declared one) and hashes to `sha256`. A mismatch deletes the object. Confirming an
   * already confirmed upload with the same sha256 is harmless; concurrent confirms run one at a time.
   *
   * The presigned PUT stays valid until it expires (S3 cannot revoke it), so the checked file must not
   * live where the URL writes: the store first copies the temporary key to a key of its own that no URL
   * names, the checks run on that copy, and the row takes its key in the same transaction. The file is
   * then exactly what was hashed, whatever is PUT to the URL during or after the confirm.
   */
  async confirm(
    organizationId: string,
    uploadId: string,
    sha256: string,
  ): Promise<{ alreadyConfirmed: boolean }> {
    const expected = sha256.toLowerCase();
    const outcome = await this.dataSource.transaction(async (manager) => {
      const upload = await this.lock(manager, organizationId, uploadId);
      if (upload.status !== 'pending') {
        if (upload.sha256 !== expected) throw checksumDiffers();
        return { alreadyConfirmed: true, temporaryKey: null };
      }
      const temporaryKey = upload.s3Key;
      const key = await this.snapshot(temporaryKey);
      let problem: { code: string; message: string } | null;
      try {
        problem = await this.inspect(upload, key, expected);
      } catch (e) {
        await this.removeObject(key);
        throw e;
      }
      if (problem) {
        await this.storage.delete(key);
        await this.storage.delete(temporaryKey);
        throw uploadRejected(problem.code, problem.message);
      }
      upload.s3Key = key;
      upload.status = 'confirmed';
      upload.sha256 = expected;
      upload.contentType = upload.declaredType;
      upload.confirmedAt = new Date();
      upload.expiresAt = this.retentionEnd();
      await this.repository.save(manager, upload);
      return { alreadyConfirmed: false, temporaryKey };
    });
    // Only once the row names the copy; if this fails, nothing names the temporary key and the orphan
    // collector removes it.
    if (outcome.temporaryKey) await this.removeObject(outcome.temporaryKey);
    return { alreadyConfirmed: outcome.alreadyConfirmed };
  }

  async previewUrl(organizationId: string, uploadId: string): Promise<FileUrl> {
    const upload = await this.find(organizationId, uploadId);
    if (upload.status === 'pending') throw notConfirmed();
    return this.fileUrl(upload.s3Key, upload.fileName, upload.contentType ?? upload.declaredType);
  }

  /**
   * Attaches a confirmed upload to `holderId` in the caller's transaction (its row stays locked until that
   * ends, and a rollback leaves it as it was), and gives its file for the holder to keep. Attached, it
   * neither expires nor can be deleted. Attaching it again to the same holder is harmless; to another, it
   * is refused.
   */
  async attach(
    manager: EntityManager,
    organizationId: string,
    uploadId: string,
    holderId: string,
  ): Promise<UploadedDocument> {
    const upload = await this.lock(manager, organizationId, uploadId);
    if (upload.status === 'pending') throw notConfirmed();
    if (upload.status === 'attached' && upload.attachedTo !== holderId) throw alreadyAttached();
    upload.status = 'attached';
    upload.attachedTo = holderId;
    upload.attachedAt = new Date();
    upload.expiresAt = null;
    await this.repository.save(manager, upload);
    return {
      uploadId: upload.id,
      key: upload.s3Key,
      fileName: upload.fileName,
      mimeType: upload.contentType ?? upload.declaredType,
      size: Number(upload.size),
    };
  }

  /** An attached upload its holder no longer keeps (replaced) is confirmed again, and expires as such. */
  async detach(manager: EntityManager, organizationId: string, uploadId: string): Promise<void> {
    await this.repository.detach(manager, organizationId, uploadId, this.retentionEnd());
  }

  /** A short-lived URL that serves a stored file inline, under its client-side name. */
  async fileUrl(key: string, fileName: string, mimeType: string): Promise<FileUrl> {
    const expiresInSeconds = this.config.signedUrlTtlSeconds;
    const url = await this.storage.presignGet(key, {
      expiresInSeconds,
      fileName,
      contentType: mimeType,
      disposition: 'inline',
    });
    return { url, expiresInSeconds, filename: fileName, mimeType };
  }

  /** Deletes a temporary upload and its object; an attached one is refused. */
  async delete(organizationId: string, uploadId: string): Promise<void> {
    const upload = await this.dataSource.transaction(async (manager) => {
      const found = await this.lock(manager, organizationId, uploadId);
      if (found.status === 'attached') throw alreadyAttached();
      await this.repository.delete(manager, found.id);
      return found;
    });
    await this.removeObject(upload.s3Key);
  }

  /**
   * The bytes of a confirmed upload that is at most `maxBytes` long, for a receipt made from it
   * (seed 002's JSON form). Null when there is no such upload for this organization.
   */
  async readConfirmed(
    organizationId: string,
    uploadId: string,
    maxBytes: number,
  ): Promise<{ content: Buffer; fileName: string; declaredType: string } | 'too_large' | null> {
    const upload = await this.repository.findConfirmed(organizationId, uploadId);
    if (!upload) return null;
    if (Number(upload.size) > maxBytes) return 'too_large';
    try {
      const { stream } = await this.storage.read(upload.s3Key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return { content: Buffer.concat(chunks), fileName: upload.fileName, declaredType: upload.declaredType };
    } catch (e) {
      if (e instanceof StorageObjectNotFound) return null;
      throw e;
    }
  }

  /**
   * A confirmed upload whose bytes now live elsewhere (a receipt): row and object go. A paid-for upload
   * stays: its payer's link names its object, and only the organization's DELETE removes it.
   */
  async consume(organizationId: string, uploadId: string): Promise<void> {
    const upload = await this.repository.findConfirmed(organizationId, uploadId);
    if (!upload || upload.paidFor) return;
    await this.repository.deleteConfirmed(upload.id);
    await this.removeObject(upload.s3Key);
  }

  /** The organization's uploads, a page at a time (GET /api/v1/invoice-uploads). */
  async list(
    organizationId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: InvoiceUpload[]; nextCursor: string | null }> {
    let after: { createdAt: string; id: string } | undefined;
    if (page.cursor) {
      const position = readCursor(page.cursor, { sort: UPLOAD_SORT, value: 'iso-ms', id: 'uuid' });
      after = { createdAt: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.repository.findPage(organizationId, { limit: page.limit, after });
    return { rows, nextCursor: nextCreatedAtCursor(UPLOAD_SORT, rows, hasMore) };
  }

  /** Where a new upload's file goes: under the uploads' area, never named after the client's file. */
  newUploadKey(organizationId: string, fileName: string, type: string): { id: string; key: string } {
    const id = randomUUID();
    const base = slugify(stripExtension(fileName)) || 'file';
    return { id, key: `${UPLOADS_AREA}/${organizationId}/${id}/${base}.${extensionOf(type)}` };
  }

  /**
   * Records, in the caller's transaction, a file already stored and checked (a paid-for upload, seed 000)
   * as a confirmed upload that never expires, attached or not, nor is consumed by a receipt: it is kept
   * until the organization deletes it (InvoiceUpload.paidFor).
   */
  async recordConfirmed(
    manager: EntityManager,
    upload: {
      id: string;
      organizationId: string;
      key: string;
      fileName: string;
      type: string;
      size: number;
      sha256: string;
    },
  ): Promise<void> {
    const now = new Date();
    await this.repository.insert(manager, {
      id: upload.id,
      organizationId: upload.organizationId,
      status: 'confirmed',
      fileName: upload.fileName.slice(0, 255),
      declaredType: upload.type,
      contentType: upload.type,
      size: String(upload.size),
      s3Key: upload.key,
      sha256: upload.sha256,
      confirmedAt: now,
      expiresAt: null,
      paidFor: true,
    });
  }

  /** Copies what the URL wrote to a new key beside it that no URL names (see confirm). */
  private async snapshot(temporaryKey: string): Promise<string> {
    const slash = temporaryKey.lastIndexOf('/');
    const key = `${temporaryKey.slice(0, slash)}/confirmed-${randomBytes(8).toString('hex')}${temporaryKey.slice(slash)}`;
    try {
      await this.storage.copy(temporaryKey, key);
    } catch (e) {
      if (e instanceof StorageObjectNotFound) throw notUploadedYet();
      throw e;
    }
    return key;
  }

  /**
   * Of stored `keys`, those an upload still names. Asked by the orphan collection, whatever the key's
   * shape (a temporary key no row names any more is an orphan).
   */
  keysInUse(keys: string[]): Promise<string[]> {
    return this.repository.keysAmong(keys);
  }

  private async inspect(
    upload: InvoiceUpload,
    key: string,
    expectedSha256: string,
  ): Promise<{ code: string; message: string } | null> {
    const actualSize = (await this.storage.stat(key))?.size;
    if (actualSize !== Number(upload.size)) {
      return {
        code: 'SIZE_MISMATCH',
        message: `The file has ${actualSize ?? 0} bytes, ${upload.size} were declared`,
      };
    }
    const head = await this.storage.read(key, { start: 0, end: SNIFF_BYTES - 1 });
    const headBytes: Buffer[] = [];
    for await (const chunk of head.stream) headBytes.push(chunk as Buffer);
    const sniffed = await sniffType(Buffer.concat(headBytes));
    if (sniffed !== upload.declaredType) {
      return {
        code: 'TYPE_MISMATCH',
        message: `The file's content is ${sniffed ?? 'of an unknown type'}, ${upload.declaredType} was declared`,
      };
    }
    const hash = createHash('sha256');
    const { stream } = await this.storage.read(key);
    for await (const chunk of stream) hash.update(chunk as Buffer);
    if (hash.digest('hex') !== expectedSha256) {
      return { code: 'CHECKSUM_MISMATCH', message: 'The file does not hash to the sha256 given' };
    }
    return null;
  }

  private async find(organizationId: string, id: string): Promise<InvoiceUpload> {
    const upload = await this.repository.findForOrganization(organizationId, id);
    if (!upload) throw uploadNotFound();
    return upload;
  }

  private async lock(manager: EntityManager, organizationId: string, id: string): Promise<InvoiceUpload> {
    const upload = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!upload) throw uploadNotFound();
    return upload;
  }

  private retentionEnd(): Date {
    return new Date(Date.now() + this.config.uploads.retentionHours * 3600 * 1000);
  }

  private async removeObject(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (err) {
      this.logger.error({ err, key }, 'could not delete an upload object; the garbage collector will');
    }
  }
}
