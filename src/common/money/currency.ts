/** ISO 4217 codes the runtime knows (Node's ICU data), e.g. EUR, USD, JPY. */
const CODES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CODES.has(value);
}

/** Digits after the decimal point that the currency uses: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorUnits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** The most minor units any ISO 4217 currency has (CLF, UYW: 4). */
export const MAX_MINOR_UNITS = 4;
