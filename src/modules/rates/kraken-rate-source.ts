import type { Logger } from 'pino';
import type { RateQuotesRepository } from './rate-quotes.repository.js';
import { httpGetText } from './http-get.js';
import { krakenMarketsFor, krakenTickerQuery, parseKrakenTicker } from './kraken-ticker.js';
import {
  evaluateRoute,
  findRoute,
  formatRate,
  pairKey,
  parseRate,
  splitPair,
  type Fraction,
  type PairKey,
} from './rate-math.js';
import type { CurrencyPair, RateSource, SourceAnswer } from './rate-source.js';

interface MarketRate {
  rate: Fraction;
  fetchedAt: Date;
}

/** For each market of one fetch: its rate, or why there is none. */
type FetchOutcome = Map<PairKey, MarketRate | string>;

export interface KrakenSettings {
  /** Unset: Kraken is not called at all (tests without a fake Kraken). */
  url: string | undefined;
  timeoutMs: number;
  cacheSeconds: number;
}

/**
 * Kraken's public ticker behind the shared cache: markets someone (any replica) fetched less than
 * `cacheSeconds` ago are read from PostgreSQL; the others are fetched in one request, which concurrent
 * callers on this instance share rather than each sending their own.
 */
export class KrakenRateSource implements RateSource {
  readonly name = 'kraken';
  private readonly inFlight = new Map<PairKey, Promise<FetchOutcome>>();

  constructor(
    private readonly settings: KrakenSettings,
    private readonly cache: RateQuotesRepository,
    private readonly logger: Logger,
  ) {}

  async price(pairs: readonly CurrencyPair[]): Promise<SourceAnswer> {
    const answer: SourceAnswer = { rates: new Map(), failures: new Map() };
    const routes = new Map<PairKey, PairKey[]>();
    for (const { base, quote } of pairs) {
      const markets = krakenMarketsFor(base, quote);
      if (markets) routes.set(pairKey(base, quote), markets);
      else answer.failures.set(pairKey(base, quote), `has no market that prices ${base} in ${quote}`);
    }
    if (routes.size === 0) return answer;
    if (!this.settings.url) {
      for (const pair of routes.keys()) {
        answer.failures.set(
          pair,
          'is not called: KRAKEN_URL is unset (NODE_ENV=test never calls the real Kraken)',
        );
      }
      return answer;
    }

    const markets = await this.marketRates([...new Set([...routes.values()].flat())]);
    for (const [pair, needed] of routes) {
      const missing = needed.map((m) => markets.get(m)).find((r) => typeof r === 'string' || !r);
      if (missing !== undefined) {
        answer.failures.set(pair, typeof missing === 'string' ? missing : 'gave no rate');
        continue;
      }
      const found = needed.map((m) => markets.get(m) as MarketRate);
      const table = new Map(needed.map((m, i) => [m, found[i].rate]));
      const { base, quote } = splitPair(pair);
      answer.rates.set(pair, {
        rate: evaluateRoute(findRoute(base, quote, table.keys())!, table),
        fetchedAt: new Date(Math.min(...found.map((r) => r.fetchedAt.getTime()))),
      });
    }
    return answer;
  }

  /** Each market's fresh rate: from the cache, or from Kraken (one request for all that are missing). */
  private async marketRates(markets: PairKey[]): Promise<FetchOutcome> {
    const outcome: FetchOutcome = new Map();
    for (const cached of await this.cache.findFresh(this.name, markets, this.settings.cacheSeconds)) {
      outcome.set(cached.pair, { rate: parseRate(cached.rate)!, fetchedAt: cached.fetchedAt });
    }
    const missing = markets.filter((m) => !outcome.has(m));
    const toFetch = missing.filter((m) => !this.inFlight.has(m));
    if (toFetch.length > 0) {
      const fetching = this.fetchAndStore(toFetch);
      for (const market of toFetch) this.inFlight.set(market, fetching);
      const forget = () => {
        for (const market of toFetch)
          if (this.inFlight.get(market) === fetching) this.inFlight.delete(market);
      };
      fetching.then(forget, forget);
    }
    // Taken before awaiting: a fetch leaves the in-flight map as soon as it ends.
    const pending = missing.map((market) => [market, this.inFlight.get(market)] as const);
    for (const [market, fetching] of pending) {
      outcome.set(market, (await fetching)?.get(market) ?? 'gave no rate');
    }
    return outcome;
  }

  /** One ticker request; never rejects: a failure becomes each market's reason. */
  private async fetchAndStore(markets: PairKey[]): Promise<FetchOutcome> {
    const outcome: FetchOutcome = new Map();
    let ticker: ReturnType<typeof parseKrakenTicker>;
    try {
      const url = new URL(
        `${this.settings.url!.replace(/\/+$/, '')}/0/public/Ticker?${krakenTickerQuery(markets)}`,
      );
      ticker = parseKrakenTicker(await httpGetText(url, this.settings.timeoutMs), markets);
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.warn({ source: this.name, markets, reason }, 'rate source failed');
      for (const market of markets) outcome.set(market, reason);
      return outcome;
    }
    for (const [market, problem] of ticker.problems) {
      this.logger.warn({ source: this.name, market, reason: problem }, 'rate source refused a market');
      outcome.set(market, problem);
    }
    // A bid is a decimal Kraken wrote, so its expansion ends: formatRate writes it exactly.
    const rates = [...ticker.rates].map(([pair, rate]) => ({ pair, rate: formatRate(rate) }));
    const storedAt = new Map<PairKey, Date>();
    if (this.settings.cacheSeconds > 0) {
      // A quote just received stays good when it cannot be shared: this caller still gets it.
      const stored = await this.cache.save(this.name, rates).catch((err: unknown) => {
        this.logger.error({ err, source: this.name }, 'rate quotes could not be cached');
        return [];
      });
      for (const s of stored) storedAt.set(s.pair, s.fetchedAt);
    }
    for (const [pair, rate] of ticker.rates) {
      outcome.set(pair, { rate, fetchedAt: storedAt.get(pair) ?? new Date() });
    }
    return outcome;
  }
}
