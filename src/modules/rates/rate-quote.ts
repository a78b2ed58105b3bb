/** A rate at a moment: 1 `base` = `rate` `quote`. What other modules keep on what they price. */
export interface RateQuote {
  base: string;
  quote: string;
  /**
   * A decimal string, no exponent: exact when the arithmetic ends (a table entry, a bid, their
   * products), else cut after 18 decimals (more below 1e-6, keeping 12 significant digits).
   */
  rate: string;
  /** The source that priced it: 'fixed' | 'kraken' ('identity' for a currency in itself, rate 1). */
  source: string;
  /** When its figures were obtained from the source (for a cross rate, the older of the two). */
  fetchedAt: Date;
}
