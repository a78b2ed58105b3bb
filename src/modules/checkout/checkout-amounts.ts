import { BTC_DECIMALS } from '../../common/money/currency.js';
import { multiplyToMinorUnits } from '../../common/money/money.js';

/**
 * Seed 003's figures from the amount and the two rates (DESIGN.md §7), exact, in bigint decimals:
 * - btc_rate: BTC per unit of the settlement currency, as the rate source gave it (full precision);
 * - btc_amount: what the customer must send, amount × btc_rate rounded UP to the satoshi: nobody can
 *   send a fraction of one, and rounding down would leave every invoice short of its price;
 * - usd_amount: amount × usd_rate exactly (the seed's 1181.8172 is not cut to cents), written with at
 *   least USD's 2 decimals.
 * Pure.
 */
export interface InvoiceFigures {
  btcRate: string;
  btcAmount: string;
  /** btc_amount in satoshis: what payments are compared with. */
  btcAmountSats: bigint;
  usdRate: string;
  usdAmount: string;
}

const USD_DECIMALS = 2;

interface Exact {
  digits: bigint;
  scale: number;
}

const PLAIN = /^(\d+)(?:\.(\d+))?$/;

function exact(text: string): Exact {
  const match = PLAIN.exec(text);
  if (!match) throw new RangeError(`not a non-negative decimal: ${text}`);
  const fraction = match[2] ?? '';
  return { digits: BigInt(match[1] + fraction), scale: fraction.length };
}

function times(a: Exact, b: Exact): Exact {
  return { digits: a.digits * b.digits, scale: a.scale + b.scale };
}

function write(digits: bigint, scale: number): string {
  if (scale === 0) return digits.toString();
  const text = digits.toString().padStart(scale + 1, '0');
  return `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** The exact value, without trailing zeros past `minScale` decimals. */
function writeExact(value: Exact, minScale: number): string {
  let { digits, scale } = value;
  while (scale > minScale && digits % 10n === 0n) {
    digits /= 10n;
    scale -= 1;
  }
  if (scale < minScale) {
    digits *= 10n ** BigInt(minScale - scale);
    scale = minScale;
  }
  return write(digits, scale);
}

export function invoiceFigures(amount: string, btcRate: string, usdRate: string): InvoiceFigures {
  const amountExact = exact(amount);
  const btcAmountSats = multiplyToMinorUnits(amount, btcRate, BTC_DECIMALS, 'up');
  return {
    btcRate,
    btcAmount: write(btcAmountSats, BTC_DECIMALS),
    btcAmountSats,
    usdRate,
    usdAmount: writeExact(times(amountExact, exact(usdRate)), USD_DECIMALS),
  };
}
