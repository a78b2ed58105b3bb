import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logging/logger.js';
import { isCurrencyCode } from '../../common/money/currency.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { FixedRateSource } from './fixed-rate-source.js';
import { KrakenRateSource } from './kraken-rate-source.js';
import { formatRate, pairKey, type PairKey } from './rate-math.js';
import type { RateQuote } from './rate-quote.js';
import { RateQuotesRepository } from './rate-quotes.repository.js';
import type { CurrencyPair, RateSource } from './rate-source.js';
import { invalidCurrencyPair, rateUnavailable, type SourceFailure } from './rates.errors.js';

export type { RateQuote } from './rate-quote.js';

/**
 * Exchange rates from the sources of RATE_SOURCES, asked in that order: the first that prices a pair
 * gives its rate. Ask it before opening a transaction: a source may take up to RATE_TIMEOUT_SECONDS.
 */
@Injectable()
export class RatesService {
  private readonly sources: RateSource[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    cache: RateQuotesRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    const { rates } = config;
    this.sources = rates.sources.map((name) => {
      switch (name) {
        case 'fixed':
          return new FixedRateSource(rates.fixed);
        case 'kraken':
          return new KrakenRateSource(
            {
              url: rates.krakenUrl,
              timeoutMs: rates.timeoutSeconds * 1000,
              cacheSeconds: rates.cacheSeconds,
            },
            cache,
            logger,
          );
      }
    });
  }

  /** 1 `base` = rate `quote`. Throws RATE_UNAVAILABLE (503) when no source can price the pair now. */
  async quote(base: string, quote: string): Promise<RateQuote> {
    const [result] = await this.quotes([{ base, quote }]);
    return result;
  }

  /**
   * Several pairs at once (an invoice needs EUR_BTC and EUR_USD), in the order asked; each pair falls
   * back through the sources on its own. Throws RATE_UNAVAILABLE naming every pair none could price.
   */
  async quotes(pairs: readonly CurrencyPair[]): Promise<RateQuote[]> {
    for (const { base, quote } of pairs) {
      if (!isCurrencyCode(base) || !isCurrencyCode(quote)) throw invalidCurrencyPair(base, quote);
    }
    const wanted = new Map<PairKey, CurrencyPair>(pairs.map((p) => [pairKey(p.base, p.quote), p]));
    const found = new Map<PairKey, RateQuote>();
    for (const { base, quote } of wanted.values()) {
      if (base === quote)
        found.set(pairKey(base, quote), {
          base,
          quote,
          rate: '1',
          source: 'identity',
          fetchedAt: new Date(),
        });
    }
    const failures = new Map<PairKey, SourceFailure[]>([...wanted.keys()].map((k) => [k, []]));
    for (const source of this.sources) {
      const pending = [...wanted].filter(([key]) => !found.has(key)).map(([, pair]) => pair);
      if (pending.length === 0) break;
      const answer = await source.price(pending);
      for (const { base, quote } of pending) {
        const key = pairKey(base, quote);
        const priced = answer.rates.get(key);
        if (priced) {
          found.set(key, {
            base,
            quote,
            rate: formatRate(priced.rate),
            source: source.name,
            fetchedAt: priced.fetchedAt,
          });
        } else {
          failures
            .get(key)!
            .push({ source: source.name, reason: answer.failures.get(key) ?? 'gave no rate' });
        }
      }
    }
    const unpriced = new Map([...failures].filter(([key]) => !found.has(key)));
    if (unpriced.size > 0) throw rateUnavailable(unpriced);
    return pairs.map((p) => found.get(pairKey(p.base, p.quote))!);
  }
}
