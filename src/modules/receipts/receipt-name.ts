import { compactLocalDate } from '../../common/dates/zoned-date.js';

/**
 * Seed 002's `name`: the receipt's date "à l'envers" (YYYYMMDD) + label + amount with VAT, joined by `_`,
 * e.g. `20210628_Achat de matiere premieree_1200.50`.
 */
export function receiptName(
  parts: { createdAt: Date; label: string; amountWithVat: string },
  timeZone: string,
): string {
  return `${compactLocalDate(parts.createdAt, timeZone)}_${parts.label}_${parts.amountWithVat}`;
}
