import type { Fraction, PairKey } from './rate-math.js';

export interface CurrencyPair {
  base: string;
  quote: string;
}

/** A source's exact rate for a pair, with the time its figures were obtained (the oldest, for a cross rate). */
export interface SourceRate {
  rate: Fraction;
  fetchedAt: Date;
}

export interface SourceAnswer {
  rates: Map<PairKey, SourceRate>;
  /** Why each pair it did not price was left out. */
  failures: Map<PairKey, string>;
}

/** A place rates come from. `price` never throws for a source's own failure: it says why, per pair. */
export interface RateSource {
  readonly name: string;
  price(pairs: readonly CurrencyPair[]): Promise<SourceAnswer>;
}
