import { Inject, Injectable } from '@nestjs/common';
import { formatLocalDateTime } from '../../common/dates/zoned-date.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { UrlSigner } from '../../storage/url-signer.js';
import type { Receipt } from './receipt.entity.js';
import type { ListedReceipt } from './receipts.repository.js';

/** Seed 002's success shape: snake_case, amounts as decimal strings, dates `YYYY-MM-DD HH:mm:ss`. */
export interface ReceiptView {
  id: number;
  name: string;
  label: string;
  type: string;
  amount: string;
  amount_with_vat: string;
  vat: string | null;
  vat_value: string | null;
  reference: string;
  comment: string | null;
  operation_date: string;
  created_at: string;
  status: boolean;
  affectation_id: number | null;
  receipt_path: string | null;
  /** A short-lived signed download URL, when a file is attached. */
  receipt_url: string | null;
}

export function receiptPath(key: string): string {
  return `/storage/${key}`;
}

@Injectable()
export class ReceiptPresenter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signer: UrlSigner,
  ) {}

  present(receipt: Receipt): ReceiptView {
    const tz = this.config.appTimezone;
    return {
      id: receipt.id,
      name: receipt.name,
      label: receipt.label,
      type: receipt.type,
      amount: receipt.amount,
      amount_with_vat: receipt.amountWithVat,
      vat: receipt.vat,
      vat_value: receipt.vatValue,
      reference: receipt.reference,
      comment: receipt.comment,
      operation_date: formatLocalDateTime(receipt.operationDate, tz),
      created_at: formatLocalDateTime(receipt.createdAt, tz),
      status: receipt.status,
      affectation_id: receipt.affectationId,
      ...this.file(receipt.receiptKey),
    };
  }

  /** A row of a page, whose dates the query already wrote in APP_TIMEZONE. */
  presentListed(row: ListedReceipt): ReceiptView {
    return {
      id: row.id,
      name: row.name,
      label: row.label,
      type: row.type,
      amount: row.amount,
      amount_with_vat: row.amount_with_vat,
      vat: row.vat,
      vat_value: row.vat_value,
      reference: row.reference,
      comment: row.comment,
      operation_date: row.operation_date,
      created_at: row.created_at,
      status: row.status,
      affectation_id: row.affectation_id,
      ...this.file(row.receipt_key),
    };
  }

  private file(key: string | null): Pick<ReceiptView, 'receipt_path' | 'receipt_url'> {
    if (!key) return { receipt_path: null, receipt_url: null };
    const path = receiptPath(key);
    const query = this.signer.signStableGet(path, this.config.signedUrlTtlSeconds);
    return { receipt_path: path, receipt_url: `${this.config.publicUrl}${path}?${query}` };
  }
}
