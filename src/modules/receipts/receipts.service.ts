import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { FieldValidationError } from '../../common/errors/domain-error.js';
import type { WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { compareAmounts } from '../../common/money/money.js';
import { LOGGER } from '../../common/logging/logger.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { FileStorage, StorageObjectNotFound, type ObjectStream } from '../../storage/file-storage.js';
import { UUID } from '../../common/pagination/uuid.js';
import { UploadsService } from '../uploads/uploads.service.js';
import {
  RECEIPT_MAX_BYTES,
  receiptStorageKey,
  sniffReceiptType,
  type ReceiptFileType,
} from './receipt-file.js';
import { validateReceiptInput, type ReceiptInput, type WriteMode } from './receipt-input.js';
import type { ReceiptListQuery } from './receipt-list-query.js';
import { receiptName } from './receipt-name.js';
import { Receipt } from './receipt.entity.js';
import { receiptAffected, receiptFileNotFound, receiptNotFound } from './receipts.errors.js';
import { ReceiptsRepository, type CandidateCriteria, type ReceiptCandidate } from './receipts.repository.js';

export type { CandidateCriteria, ReceiptCandidate } from './receipts.repository.js';

/** A file received with a request, held in memory up to seed 002's size limit (receipt-upload.interceptor.ts). */
export interface IncomingReceiptFile {
  originalName: string;
  declaredType: string;
  content: Buffer;
  /** Over RECEIPT_MAX_BYTES: `content` is then empty, the bytes were not kept. */
  tooLarge: boolean;
}

export const RECEIPT_FILE_MESSAGES = {
  tooLarge: 'Le fichier ne doit pas dépasser 1 Mo',
  badType: 'Le fichier doit être un PDF, un JPG ou un PNG',
  empty: 'Le fichier est vide',
  single: 'Un seul fichier est accepté, dans le champ « receipt »',
  fileAndUpload: 'Envoyez soit un fichier « receipt », soit « receipt_upload_id », pas les deux',
  uploadInvalid: 'L’identifiant de téléversement doit être un uuid',
  uploadNotFound: 'Ce téléversement est introuvable ou n’est pas encore confirmé',
  affectedAmount:
    'Le montant TTC d’une pièce affectée ne peut pas changer : supprimez d’abord son affectation',
} as const;

interface PreparedFile {
  key: string;
  originalName: string;
  mimeType: string;
  size: number;
  sha256: string;
}

@Injectable()
export class ReceiptsService {
  constructor(
    private readonly repository: ReceiptsRepository,
    private readonly storage: FileStorage,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly uploads: UploadsService,
  ) {}

  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async create(
    organizationId: string,
    raw: Record<string, unknown>,
    file?: IncomingReceiptFile,
    withinWrite?: WithinWrite<Receipt>,
  ): Promise<Receipt> {
    const { input, file: accepted, uploadId } = await this.validate(organizationId, raw, 'create', file);
    const stored = accepted ? await this.store(accepted.incoming, accepted.type) : undefined;
    let saved: Receipt;
    try {
      const receipt = Object.assign(new Receipt(), { organizationId, status: false, affectationId: null });
      this.apply(receipt, input, new Date());
      if (stored) this.attachFile(receipt, stored);
      saved = withinWrite
        ? await this.dataSource.transaction(async (manager) => {
            const inserted = await this.repository.insert(receipt, manager);
            await withinWrite(manager, inserted);
            return inserted;
          })
        : await this.repository.insert(receipt);
    } catch (e) {
      // The row is not there, so its file must not be either.
      if (stored) await this.removeFile(stored.key);
      throw e;
    }
    if (uploadId) await this.uploads.consume(organizationId, uploadId);
    return saved;
  }

  async get(organizationId: string, id: number): Promise<Receipt> {
    const receipt = await this.repository.findOneForOrganization(organizationId, id);
    if (!receipt) throw receiptNotFound();
    return receipt;
  }

  /**
   * The receipt that owns the file at `key` and a stream of it, for a caller of its organization or for
   * a request whose signed URL (checked by the guard) already proved the right to read it.
   */
  async openFile(
    key: string,
    access: { organizationId: string | null } | { signedUrl: true },
  ): Promise<{ receipt: Receipt; object: ObjectStream }> {
    let receipt: Receipt | null = null;
    if ('signedUrl' in access) receipt = await this.repository.findByKey(key);
    else if (access.organizationId)
      receipt = await this.repository.findByKeyForOrganization(access.organizationId, key);
    if (!receipt) throw receiptFileNotFound();
    try {
      return { receipt, object: await this.storage.read(key) };
    } catch (e) {
      if (e instanceof StorageObjectNotFound) throw receiptFileNotFound();
      throw e;
    }
  }

  list(organizationId: string, query: ReceiptListQuery) {
    return this.repository.findPageForOrganization(organizationId, query, this.config.appTimezone);
  }

  async update(
    organizationId: string,
    id: number,
    raw: Record<string, unknown>,
    mode: Exclude<WriteMode, 'create'>,
    file?: IncomingReceiptFile,
  ): Promise<Receipt> {
    // 404 before 422: another organization's id must not learn whether its body would be valid.
    await this.get(organizationId, id);
    const { input, file: accepted, uploadId } = await this.validate(organizationId, raw, mode, file);
    const stored = accepted ? await this.store(accepted.incoming, accepted.type) : undefined;
    let replacedKey: string | null = null;
    let saved: Receipt;
    try {
      saved = await this.dataSource.transaction(async (manager) => {
        const receipt = await this.repository.lockForUpdate(manager, organizationId, id);
        if (!receipt) throw receiptNotFound();
        // An affected receipt's operation date is its bank operation's: the one sent is ignored. Its TTC
        // amount is what the affectation justifies, so it cannot change under it.
        const operationDate = receipt.affectationId !== null ? receipt.operationDate : undefined;
        if (
          receipt.affectationId !== null &&
          input.amountWithVat !== undefined &&
          compareAmounts(input.amountWithVat, receipt.amountWithVat) !== 0
        ) {
          throw new FieldValidationError({ amount_with_vat: RECEIPT_FILE_MESSAGES.affectedAmount });
        }
        this.apply(receipt, input, receipt.createdAt);
        if (operationDate) receipt.operationDate = operationDate;
        if (stored) {
          replacedKey = receipt.receiptKey;
          this.attachFile(receipt, stored);
        }
        return manager.getRepository(Receipt).save(receipt);
      });
    } catch (e) {
      if (stored) await this.removeFile(stored.key);
      throw e;
    }
    if (replacedKey) await this.removeFile(replacedKey);
    if (uploadId) await this.uploads.consume(organizationId, uploadId);
    return saved;
  }

  async delete(organizationId: string, id: number): Promise<void> {
    const receipt = await this.dataSource.transaction(async (manager) => {
      const found = await this.repository.lockForUpdate(manager, organizationId, id);
      if (!found) throw receiptNotFound();
      if (found.affectationId !== null) throw receiptAffected(found.affectationId);
      await manager.getRepository(Receipt).delete({ id: found.id, organizationId });
      return found;
    });
    // After the commit: a row never points at a missing file; a leftover file is only garbage.
    if (receipt.receiptKey) await this.removeFile(receipt.receiptKey);
  }

  // --- for the affectations module: each runs inside the caller's transaction ---

  /** The receipt, locked until the caller's transaction ends; 404 for another organization's. */
  async lockForAffectation(manager: EntityManager, organizationId: string, id: number): Promise<Receipt> {
    const receipt = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!receipt) throw receiptNotFound();
    return receipt;
  }

  /** Seed 002's affected state: `status` true, `affectation_id`, and the bank operation's date. */
  async markAffected(
    manager: EntityManager,
    organizationId: string,
    id: number,
    affectationId: number,
    operationDate: Date,
  ): Promise<void> {
    if (
      !(await this.repository.setAffectation(manager, organizationId, id, { affectationId, operationDate }))
    ) {
      throw new Error(`receipt ${id} is missing or already affected (lock it with lockForAffectation first)`);
    }
  }

  /** Undoes `markAffected`; `operationDate` (the date the receipt had before) is restored when given. */
  async clearAffectation(
    manager: EntityManager,
    organizationId: string,
    id: number,
    operationDate?: Date,
  ): Promise<void> {
    await this.repository.setAffectation(manager, organizationId, id, { affectationId: null, operationDate });
  }

  /** The affected receipts follow their bank operation when its date changes. */
  moveAffectedOperationDate(
    manager: EntityManager,
    organizationId: string,
    affectationIds: number[],
    operationDate: Date,
  ): Promise<void> {
    return this.repository.setOperationDateOfAffected(manager, organizationId, affectationIds, operationDate);
  }

  /** Unaffected receipts that may justify a bank operation (bounded index lookups; see the repository). */
  affectationCandidates(organizationId: string, criteria: CandidateCriteria): Promise<ReceiptCandidate[]> {
    return this.repository.candidates(organizationId, criteria);
  }

  /**
   * Seed 002's rules for the fields, and the file: sent in the multipart field `receipt`, or named by
   * `receipt_upload_id` (a confirmed upload, JSON form). Every failing field is reported at once.
   */
  private async validate(
    organizationId: string,
    raw: Record<string, unknown>,
    mode: WriteMode,
    sent: IncomingReceiptFile | undefined,
  ): Promise<{
    input: ReceiptInput;
    file: { incoming: IncomingReceiptFile; type: ReceiptFileType } | null;
    uploadId?: string;
  }> {
    const { input, errors } = validateReceiptInput(raw, mode, this.config.appTimezone);
    const fromUpload = await this.fileFromUpload(organizationId, raw, sent !== undefined);
    if ('error' in fromUpload) errors.receipt_upload_id = fromUpload.error;
    const incoming = sent ?? ('file' in fromUpload ? fromUpload.file : undefined);
    const field = sent ? 'receipt' : 'receipt_upload_id';
    let type: ReceiptFileType | null = null;
    if (incoming?.tooLarge) {
      errors[field] = RECEIPT_FILE_MESSAGES.tooLarge;
    } else if (incoming && incoming.content.length === 0) {
      errors[field] = RECEIPT_FILE_MESSAGES.empty;
    } else if (incoming) {
      type = await sniffReceiptType(incoming.content, incoming.declaredType);
      if (!type) errors[field] = RECEIPT_FILE_MESSAGES.badType;
    }
    if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
    return {
      input,
      file: incoming && type ? { incoming, type } : null,
      uploadId: 'uploadId' in fromUpload ? fromUpload.uploadId : undefined,
    };
  }

  private async fileFromUpload(
    organizationId: string,
    raw: Record<string, unknown>,
    fileSent: boolean,
  ): Promise<{ file: IncomingReceiptFile; uploadId: string } | { error: string } | { none: true }> {
    const value = raw.receipt_upload_id;
    if (value === undefined || value === null || value === '') return { none: true };
    if (fileSent) return { error: RECEIPT_FILE_MESSAGES.fileAndUpload };
    if (typeof value !== 'string' || !UUID.test(value)) return { error: RECEIPT_FILE_MESSAGES.uploadInvalid };
    const upload = await this.uploads.readConfirmed(organizationId, value, RECEIPT_MAX_BYTES);
    if (upload === null) return { error: RECEIPT_FILE_MESSAGES.uploadNotFound };
    if (upload === 'too_large') return { error: RECEIPT_FILE_MESSAGES.tooLarge };
    return {
      file: {
        originalName: upload.fileName,
        declaredType: upload.declaredType,
        content: upload.content,
        tooLarge: false,
      },
      uploadId: value,
    };
  }

  /** Stores the file before its row is written; callers remove it if the row then fails. */
  private async store(file: IncomingReceiptFile, type: ReceiptFileType): Promise<PreparedFile> {
    const key = receiptStorageKey(file.originalName, type.extension);
    const { size, sha256 } = await this.storage.put(key, file.content, { contentType: type.mimeType });
    return { key, originalName: file.originalName.slice(0, 255), mimeType: type.mimeType, size, sha256 };
  }

  private apply(receipt: Receipt, input: ReceiptInput, defaultCreatedAt: Date): void {
    if (input.label !== undefined) receipt.label = input.label;
    if (input.type !== undefined) receipt.type = input.type;
    if (input.amount !== undefined) receipt.amount = input.amount;
    if (input.amountWithVat !== undefined) receipt.amountWithVat = input.amountWithVat;
    if (input.vat !== undefined) receipt.vat = input.vat;
    if (input.vatValue !== undefined) receipt.vatValue = input.vatValue;
    if (input.reference !== undefined) receipt.reference = input.reference;
    if (input.comment !== undefined) receipt.comment = input.comment;
    if (input.operationDate !== undefined) receipt.operationDate = input.operationDate;
    receipt.createdAt = input.createdAt ?? receipt.createdAt ?? defaultCreatedAt;
    receipt.vat ??= null;
    receipt.vatValue ??= null;
    receipt.comment ??= null;
    receipt.name = receiptName(receipt, this.config.appTimezone);
  }

  private attachFile(receipt: Receipt, file: PreparedFile): void {
    receipt.receiptKey = file.key;
    receipt.receiptOriginalName = file.originalName;
    receipt.receiptMimeType = file.mimeType;
    receipt.receiptSize = file.size;
    receipt.receiptSha256 = file.sha256;
  }

  private async removeFile(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (err) {
      this.logger.error({ err, key }, 'could not delete a receipt file; it is left as garbage');
    }
  }
}
