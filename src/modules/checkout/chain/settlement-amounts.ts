import { BTC_DECIMALS, minorUnits } from '../../../common/money/currency.js';
import { fromMinorUnits, toMinorUnits } from '../../../common/money/money.js';
import { chargeState } from '../../payment-requests/payment-request-status.js';
import type { PaymentRequestWithCharges } from '../../payment-requests/payment-request.presenter.js';

const SATS_PER_BTC = 100_000_000n;
const DECIMAL = /^(\d{1,20})(?:\.(\d{1,40}))?$/;

/**
 * What the customer must send, in satoshis: amount × btc_rate (BTC per unit of the settlement
 * currency, full precision) rounded UP to the satoshi — nobody can send a fraction of one, and rounding
 * down would leave the invoice a fraction short (DESIGN.md §7). Exact: bigints, no float.
 */
export function satsDue(amount: string, currency: string, btcRate: string): bigint {
  const scale = minorUnits(currency);
  const amountMinor = toMinorUnits(amount, scale);
  const rate = exactDecimal(btcRate, 'btcRate');
  if (amountMinor <= 0n || rate.digits <= 0n) throw new RangeError('amount and btcRate must be > 0');
  const numerator = amountMinor * rate.digits * SATS_PER_BTC;
  const denominator = 10n ** BigInt(scale + rate.scale);
  return ceilDiv(numerator, denominator);
}

/** Satoshis as BTC at 8 decimals: 4576250n → "0.04576250". */
export function satsToBtc(sats: bigint): string {
  return fromMinorUnits(sats, BTC_DECIMALS);
}

/** BTC at most at 8 decimals as satoshis (a finer amount throws). */
export function btcToSats(btc: string): bigint {
  return toMinorUnits(btc, BTC_DECIMALS);
}

export interface AllocationInput {
  /** The invoice's amount in its settlement currency, and that currency. */
  amount: string;
  currency: string;
  /** satsDue(amount, currency, btc_rate): what the customer was asked to send. */
  dueSats: bigint;
  /** The Bitcoin charges already standing (not voided): the satoshis and the amount each was counted for. */
  standing: readonly { sats: bigint; amount: string }[];
  /** The new output's satoshis. */
  sats: bigint;
}

/**
 * The new output's charge in the settlement currency. Satoshis are converted at the invoice's own price
 * of a satoshi, amount ÷ dueSats (the quoted rate, less the fraction of a satoshi rounded up), and
 * cumulatively: the charges standing after this one add up to floor(all their satoshis × amount ÷
 * dueSats) at the currency's scale, less whatever earlier charges were counted above that (after a void),
 * never below zero. Hence:
 * - paying exactly dueSats, in one output or several (two halves, a third and two thirds…), gives charges
 *   summing to exactly the amount: no cent lost to rounding each part;
 * - the settlement currency's view agrees with the satoshis: the charges reach the amount exactly when
 *   the satoshis reach dueSats (one satoshi short leaves at least one minor unit due);
 * - a few satoshis worth less than a cent give 0 (a charge of 0 beside its satoshis, which the charges
 *   table accepts).
 */
export function allocateChargeAmount(input: AllocationInput): string {
  const scale = minorUnits(input.currency);
  const amountMinor = toMinorUnits(input.amount, scale);
  if (input.dueSats <= 0n) throw new RangeError('dueSats must be > 0');
  if (input.sats <= 0n) throw new RangeError('an output pays > 0 satoshis');
  let sats = input.sats;
  let counted = 0n;
  for (const charge of input.standing) {
    sats += charge.sats;
    counted += toMinorUnits(charge.amount, scale);
  }
  const worth = (sats * amountMinor) / input.dueSats; // bigint division: floor for positives
  const amount = worth > counted ? worth - counted : 0n;
  return fromMinorUnits(amount, scale);
}

/**
 * For PaymentRequestsService.recordExternalCharge's `amount`: computed under the request's row lock from
 * the Bitcoin charges standing then (their satoshis are their originalAmount in BTC).
 */
export function bitcoinChargeAmount(
  dueSats: bigint,
  sats: bigint,
): (current: PaymentRequestWithCharges) => string {
  return ({ request, charges }) =>
    allocateChargeAmount({
      amount: request.amount,
      currency: request.currency,
      dueSats,
      sats,
      standing: charges
        .filter(
          (c) =>
            c.chargeType === 'bitcoin' &&
            chargeState(c) !== 'voided' &&
            c.originalCurrency === 'BTC' &&
            c.originalAmount !== null,
        )
        .map((c) => ({ sats: btcToSats(c.originalAmount!), amount: c.amount })),
    });
}

function exactDecimal(value: string, name: string): { digits: bigint; scale: number } {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new RangeError(`${name} must be a plain decimal, got ${value}`);
  const fraction = m[2] ?? '';
  return { digits: BigInt(m[1] + fraction), scale: fraction.length };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
