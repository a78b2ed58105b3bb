import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Logger } from 'pino';
import { DataSource, QueryFailedError } from 'typeorm';
import { runMulter } from '../../common/files/bounded-memory-storage.js';
import { LOGGER } from '../../common/logging/logger.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { FileStorage } from '../../storage/file-storage.js';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter.js';
import { isPaymentHash, LightningBackend } from '../lightning/lightning-backend.js';
import { UploadsService } from '../uploads/uploads.service.js';
import { decodeFileName, paidFileStorage, type StoredPaidFile } from './paid-file-storage.js';
import { PayToUploadInvoice } from './pay-to-upload-invoice.entity.js';
import {
  alreadyUsed,
  dateMismatch,
  fileTooLarge,
  invoiceCancelled,
  invoiceExpired,
  malformedForm,
  missingField,
  noFile,
  notConfigured,
  notMultipart,
  notPaidYet,
  notText,
  PayToUploadRefusal,
  sentTwice,
  tooManyFiles,
  tooManyInvoices,
  unknownInvoice,
  uploadInterrupted,
} from './pay-to-upload.errors.js';

export interface IssuedInvoice {
  success: true;
  message: 'Invoice generated successfully.';
  payment_hash: string;
  payment_request: string;
  date: string;
}

export interface UploadedFile {
  success: true;
  message: 'File uploaded';
  url: string;
}

/**
 * Seed 000: whoever pays a Lightning invoice may upload one file, which becomes a confirmed upload of the
 * organization PAY_TO_UPLOAD_ORGANIZATION_ID. The invoice's state is the backend's (LightningBackend);
 * this module keeps which invoices it issued, with their `date`, and which one was used.
 */
@Injectable()
export class PayToUploadService {
  /** Invoices issued per client address and minute (GET /getInvoice only: the rest of the API is not counted). */
  private readonly limiter: AuthFailureLimiter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lightning: LightningBackend,
    private readonly uploads: UploadsService,
    private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.limiter = new AuthFailureLimiter(config.payToUpload.invoicesPerMinute, 60_000);
  }

  async issueInvoice(clientAddress: string): Promise<IssuedInvoice> {
    const organizationId = this.organizationId();
    const retryAfter = this.limiter.retryAfterSeconds(clientAddress);
    if (retryAfter > 0) throw tooManyInvoices(retryAfter);
    this.limiter.recordFailure(clientAddress);

    const { priceSats, invoiceExpirySeconds } = this.config.payToUpload;
    const invoice = await this.lightning.createInvoice({
      amountMsat: BigInt(priceSats) * 1000n,
      description: `Upload of one file (${priceSats} sats)`,
      expirySeconds: invoiceExpirySeconds,
    });
    const date = invoice.createdAt.toISOString();
    try {
      await this.dataSource.getRepository(PayToUploadInvoice).insert({
        paymentHash: invoice.paymentHash,
        date,
        organizationId,
        expiresAt: invoice.expiresAt,
        consumedAt: null,
        uploadId: null,
      });
    } catch (e) {
      // PAY_TO_UPLOAD_ORGANIZATION_ID names no organization (foreign key).
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23503') {
        this.logger.error('PAY_TO_UPLOAD_ORGANIZATION_ID names no organization');
        throw notConfigured();
      }
      throw e;
    }
    return {
      success: true,
      message: 'Invoice generated successfully.',
      payment_hash: invoice.paymentHash,
      payment_request: invoice.paymentRequest,
      date,
    };
  }

  /** Seed 000's getSignedUrl: `{success: true}` once the invoice is paid (and not used yet). */
  async checkPaid(body: unknown): Promise<{ success: true }> {
    this.organizationId();
    const { paymentHash, date } = invoiceFields(body);
    await this.paidInvoice(paymentHash, date);
    return { success: true };
  }

  /**
   * Seed 000's checkUploadedFile. The file is streamed to storage as it arrives (the fields may come
   * before or after it), then the invoice is checked and used in one conditional UPDATE with the upload's
   * row: of two uploads racing with one invoice, one wins and the other's file is removed. A refused
   * upload (too large, wrong type, unpaid invoice) leaves the invoice unused.
   */
  async upload(req: Request, res: Response): Promise<UploadedFile> {
    const organizationId = this.config.payToUpload.organizationId;
    if (!organizationId || !req.is('multipart/form-data')) {
      // Read what the client is still sending, so that it gets the answer rather than a reset connection.
      req.resume();
      throw organizationId ? notMultipart() : notConfigured();
    }
    const maxBytes = this.config.payToUpload.maxBytes;
    // Fields sent before the file are checked before a byte of it is stored: an unpaid, unknown or used
    // invoice is refused there. Sent after it, they can only be checked once it is stored (then removed).
    let checkedEarly: { paymentHash: string; date: string; invoice: PayToUploadInvoice } | undefined;
    const middleware = multer({
      storage: paidFileStorage(this.storage, {
        maxBytes,
        newKey: (fileName, type) => this.uploads.newUploadKey(organizationId, fileName, type),
      }),
      fileFilter: (request: Request, _file, accept) => {
        const twice = fieldSentTwice(request.body);
        if (twice) return accept(sentTwice(twice));
        const fields = sentFields(request.body);
        if (!fields) return accept(null, true);
        this.paidInvoice(fields.paymentHash, fields.date).then(
          (invoice) => {
            checkedEarly = { ...fields, invoice };
            accept(null, true);
          },
          (err: unknown) => accept(err as Error),
        );
      },
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
    }).any();
    // Multer lists a file as soon as its part begins: one still being stored (or refused) has no key yet.
    const files = () =>
      ((req.files ?? []) as (Express.Multer.File & Partial<StoredPaidFile>)[]).filter(isStored);
    try {
      await runMulter(middleware, req, res, (err) => toRefusal(err, maxBytes));
    } catch (e) {
      // Multer removes what it stored when it fails (a file still being stored when the client goes, once
      // stored); a field refused after the parse leaves files behind.
      await this.removeFiles(files());
      if (!(e instanceof PayToUploadRefusal) && req.readableAborted) {
        // A client going away is not the server's fault; whatever is answered, nobody reads it.
        this.logger.info({ err: e }, 'pay-to-upload: the client went away during its upload');
        throw uploadInterrupted();
      }
      throw e;
    }
    const file = files()[0];
    try {
      if (!file) throw noFile();
      const twice = fieldSentTwice(req.body);
      if (twice) throw sentTwice(twice);
      const { paymentHash, date } = invoiceFields(req.body);
      // A settled invoice stays settled: checked before the file, it needs no second lookup (its single
      // use is the conditional UPDATE below).
      const invoice =
        checkedEarly?.paymentHash === paymentHash && checkedEarly.date === date
          ? checkedEarly.invoice
          : await this.paidInvoice(paymentHash, date);
      await this.dataSource.transaction(async (manager) => {
        await this.uploads.recordConfirmed(manager, {
          id: file.uploadId,
          organizationId: invoice.organizationId,
          key: file.key,
          fileName: decodeFileName(file.originalname) || 'file',
          type: file.type,
          size: file.size,
          sha256: file.sha256,
        });
        const used: unknown[] = await manager.query(
          `UPDATE pay_to_upload_invoices SET consumed_at = now(), upload_id = $2
            WHERE payment_hash = $1 AND consumed_at IS NULL RETURNING payment_hash`,
          [paymentHash, file.uploadId],
        );
        // node-postgres returns [rows, count] for an UPDATE … RETURNING through TypeORM's query().
        const rows = Array.isArray(used[0]) ? (used[0] as unknown[]) : used;
        if (rows.length !== 1) throw alreadyUsed();
      });
    } catch (e) {
      if (file) await this.removeFiles([file]);
      throw e;
    }
    const url = await this.storage.presignGet(file.key, {
      expiresInSeconds: this.config.payToUpload.linkTtlSeconds,
      fileName: decodeFileName(file.originalname) || 'file',
      contentType: file.type,
      disposition: 'inline',
    });
    return { success: true, message: 'File uploaded', url };
  }

  /** The invoice this module issued with this hash and date, paid and not used yet. */
  private async paidInvoice(paymentHash: string, date: string): Promise<PayToUploadInvoice> {
    const invoice = isPaymentHash(paymentHash)
      ? await this.dataSource.getRepository(PayToUploadInvoice).findOneBy({ paymentHash })
      : null;
    if (!invoice) throw unknownInvoice();
    if (invoice.date !== date) throw dateMismatch();
    if (invoice.consumedAt) throw alreadyUsed();
    const status = await this.lightning.lookupInvoice(paymentHash);
    if (!status) throw unknownInvoice();
    if (status.state === 'settled') return invoice;
    if (status.state === 'expired') throw invoiceExpired();
    if (status.state === 'cancelled') throw invoiceCancelled();
    if (invoice.expiresAt.getTime() <= Date.now()) throw invoiceExpired();
    throw notPaidYet();
  }

  private organizationId(): string {
    const id = this.config.payToUpload.organizationId;
    if (!id) throw notConfigured();
    return id;
  }

  private async removeFiles(files: StoredPaidFile[]): Promise<void> {
    for (const file of files) {
      try {
        await this.storage.delete(file.key);
      } catch (err) {
        this.logger.error(
          { err, key: file.key },
          'could not delete a refused paid upload; the orphan collection will',
        );
      }
    }
  }
}

function isStored(
  file: Express.Multer.File & Partial<StoredPaidFile>,
): file is Express.Multer.File & StoredPaidFile {
  return typeof file.key === 'string';
}

function invoiceFields(body: unknown): { paymentHash: string; date: string } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const read = (name: string): string => {
    const value = fields[name];
    if (value === undefined || value === null || value === '') throw missingField(name);
    if (typeof value !== 'string') throw notText(name);
    return value.trim();
  };
  const paymentHash = read('payment_hash').toLowerCase();
  const date = read('date');
  return { paymentHash, date };
}

/** An invoice field the form sent twice (multer reads a repeated field as the array of its values). */
function fieldSentTwice(body: unknown): string | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return ['payment_hash', 'date'].find((name) => Array.isArray(fields[name]));
}

/** Both invoice fields, when the form sent them (as text) before the file; else undefined. */
function sentFields(body: unknown): { paymentHash: string; date: string } | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof fields.payment_hash !== 'string' || typeof fields.date !== 'string') return undefined;
  if (fields.payment_hash === '' || fields.date === '') return undefined;
  return invoiceFields(fields);
}

function toRefusal(err: unknown, maxBytes: number): Error {
  if (err instanceof PayToUploadRefusal) return err;
  if (err instanceof MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return fileTooLarge(maxBytes);
    if (err.code === 'LIMIT_FILE_COUNT') return tooManyFiles();
    return malformedForm();
  }
  // busboy's parse errors (a truncated or malformed body) are the client's; anything else (the storage
  // failing) is ours, answered by the filter as such.
  if (err instanceof Error && /form|part|boundary|multipart|header|field/i.test(err.message)) {
    return malformedForm();
  }
  return err instanceof Error ? err : malformedForm();
}
