import { Inject, Injectable } from '@nestjs/common';
import { formatLocalDateTime } from '../../common/dates/zoned-date.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { UrlSigner } from '../../storage/url-signer.js';
import type { Receipt } from './receipt.entity.js';

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
    const path = receipt.receiptKey ? receiptPath(receipt.receiptKey) : null;
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
      receipt_path: path,
      receipt_url: path
        ? `${this.config.publicUrl}${path}?${this.signer.sign(path, this.config.signedUrlTtlSeconds).query}`
        : null,
    };
  }
}
