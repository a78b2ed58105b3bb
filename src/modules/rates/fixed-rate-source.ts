import type { FixedRate } from '../../config/app-config.js';
import { evaluateRoute, findRoute, pairKey, parseRate, type Fraction, type PairKey } from './rate-math.js';
import type { CurrencyPair, RateSource, SourceAnswer } from './rate-source.js';

/** FIXED_RATES: the operator's table, with inverses and cross rates derived exactly from it. */
export class FixedRateSource implements RateSource {
  readonly name = 'fixed';
  private readonly table: Map<PairKey, Fraction>;

  constructor(entries: readonly FixedRate[]) {
    // The configuration has checked each entry: every rate parses.
    this.table = new Map(entries.map((e) => [pairKey(e.base, e.quote), parseRate(e.rate)!]));
  }

  price(pairs: readonly CurrencyPair[]): Promise<SourceAnswer> {
    const answer: SourceAnswer = { rates: new Map(), failures: new Map() };
    const now = new Date();
    for (const { base, quote } of pairs) {
      const route = findRoute(base, quote, this.table.keys());
      if (route)
        answer.rates.set(pairKey(base, quote), { rate: evaluateRoute(route, this.table), fetchedAt: now });
      else answer.failures.set(pairKey(base, quote), `cannot derive ${base}_${quote} from FIXED_RATES`);
    }
    return Promise.resolve(answer);
  }
}
