/**
 * The currencies an amount can be in, each with its own scale: the digits after the decimal point that
 * its smallest unit needs. Amounts are checked and shown at that scale and never rounded to fit it.
 *
 * ISO 4217 currencies follow ISO 4217 list one (the maintenance agency's list, published 2026-01-01),
 * not the runtime's ICU/CLDR data: CLDR gives the digits a currency is usually *displayed* with (IQD 0,
 * HUF 0, COP 0), ISO the minor unit it is *accounted* in (IQD 3, HUF 2, COP 2), and Node's list still
 * holds withdrawn codes (HRK, BGN) while missing active ones (CLF, UYW, VED). Withdrawn codes are
 * refused, like the entries whose minor unit ISO gives as "N.A." (precious metals XAU XAG XPD XPT, bond
 * market units XBA–XBD, XDR, XSU, XUA, the testing code XTS and "no currency" XXX): nobody is asked to
 * pay in them, and they have no scale to check an amount against.
 *
 * Bitcoin has no ISO code; `BTC` is the one every wallet and BTCPay use, at 8 decimals (the satoshi),
 * the smallest amount a Bitcoin transaction output can carry. Lightning counts in millisatoshis, which
 * are not a currency a request is priced in but a unit of that payment rail: see money.ts (`MSAT_PER_BTC`).
 */

/** ISO 4217 codes with a minor unit, by that minor unit. */
const ISO_4217_BY_MINOR_UNITS: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF ' +
    'CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
    'GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL ' +
    'MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR ' +
    'PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP ' +
    'TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XAD XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

/** Bitcoin, at the satoshi. */
export const BTC = 'BTC';
export const BTC_DECIMALS = 8;

const SCALES: ReadonlyMap<string, number> = new Map([
  ...Object.entries(ISO_4217_BY_MINOR_UNITS).flatMap(([units, codes]) =>
    codes.split(' ').map((code) => [code, Number(units)] as const),
  ),
  [BTC, BTC_DECIMALS],
]);

/**
 * Codes this API took before it followed ISO 4217 list one (it took Node's list): withdrawn since (HRK
 * and BGN for the euro, ANG for XCG, SLL for SLE, ZWL for ZWG, CUC) or without an ISO minor unit (XDR,
 * XSU). A request made in one is still read and shown, at the scale it was accepted with; none is taken
 * for a new amount.
 */
const READ_ONLY_SCALES: ReadonlyMap<string, number> = new Map(
  ['ANG', 'BGN', 'CUC', 'HRK', 'SLL', 'XDR', 'XSU', 'ZWL'].map((code) => [code, 2] as const),
);

/** The ISO 4217 codes that have a minor unit, sorted (for tests and documentation). */
export const ISO_4217_CODES: readonly string[] = Object.values(ISO_4217_BY_MINOR_UNITS)
  .flatMap((codes) => codes.split(' '))
  .sort();

/** A code an amount can be in: an active ISO 4217 currency that has a minor unit, or BTC. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && SCALES.has(value);
}

/**
 * Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD, 4 for CLF, 8 for BTC (and the scale
 * of the read-only codes above, for amounts stored in them).
 */
export function minorUnits(currency: string): number {
  const scale = SCALES.get(currency) ?? READ_ONLY_SCALES.get(currency);
  if (scale === undefined) throw new RangeError(`not a currency code: ${currency}`);
  return scale;
}

/** The largest scale of any currency (BTC's 8): what an amount may have before its currency is known. */
export const MAX_MINOR_UNITS = Math.max(...SCALES.values());
