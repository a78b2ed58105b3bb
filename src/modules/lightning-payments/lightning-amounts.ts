import { BTC_DECIMALS, minorUnits } from '../../common/money/currency.js';
import { fromMinorUnits, multiplyToMinorUnits, toMinorUnits } from '../../common/money/money.js';

const MSAT_PER_SAT = 1000n;

/**
 * What a Lightning invoice asks for `amount` of a currency at `btcRate` (BTC per unit): the product
 * rounded UP to the satoshi, as seed 003's btc_amount is (a payer cannot be asked a fraction of one, and
 * rounding down would leave every payment short), written in millisatoshis. Pure.
 */
export function invoiceMsat(amount: string, btcRate: string): bigint {
  return multiplyToMinorUnits(amount, btcRate, BTC_DECIMALS, 'up') * MSAT_PER_SAT;
}

/**
 * What a settled invoice credits, in the request's currency: its whole `amount` when the payer sent what
 * it asked (or less, which a Lightning node does not accept: then pro rata), and pro rata at the rate it
 * held when a wallet sent more, rounded down to the currency's scale (never credit what did not arrive).
 */
export function creditedAmount(
  amount: string,
  currency: string,
  askedMsat: bigint,
  paidMsat: bigint,
): string {
  if (paidMsat === askedMsat) return amount;
  const scale = minorUnits(currency);
  return fromMinorUnits((toMinorUnits(amount, scale) * paidMsat) / askedMsat, scale);
}

/** A description cut to at most `maxBytes` bytes of UTF-8, never inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes - 3) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}
