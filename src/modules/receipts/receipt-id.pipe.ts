import { Injectable, type PipeTransform } from '@nestjs/common';
import { receiptNotFound } from './receipts.errors.js';

/** Receipt ids are positive 32-bit integers; anything else names no receipt. */
@Injectable()
export class ReceiptIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,10}$/.test(value)) throw receiptNotFound();
    const id = Number(value);
    if (id < 1 || id > 2_147_483_647) throw receiptNotFound();
    return id;
  }
}
