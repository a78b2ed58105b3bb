import { compareFractions, findRoute, pairKey, parseRate, type Fraction, type PairKey } from './rate-math.js';

/**
 * Kraken's public ticker (`GET /0/public/Ticker?pair=XBTEUR,EURUSD`, no key), read as BTCPay reads it:
 * each market's rate is its best bid (`b[0]`), a market whose bid is above its ask is refused.
 */

/** The markets asked for, by Kraken's name for them (its "altname"), as `BASE_QUOTE`. */
export const KRAKEN_MARKETS: ReadonlyMap<PairKey, string> = new Map(
  [
    ['BTC', 'EUR', 'XBTEUR'],
    ['BTC', 'USD', 'XBTUSD'],
    ['BTC', 'GBP', 'XBTGBP'],
    ['BTC', 'CAD', 'XBTCAD'],
    ['BTC', 'JPY', 'XBTJPY'],
    ['BTC', 'CHF', 'XBTCHF'],
    ['BTC', 'AUD', 'XBTAUD'],
    ['EUR', 'USD', 'EURUSD'],
    ['GBP', 'USD', 'GBPUSD'],
    ['EUR', 'GBP', 'EURGBP'],
    ['USD', 'CAD', 'USDCAD'],
    ['USD', 'JPY', 'USDJPY'],
    ['USD', 'CHF', 'USDCHF'],
    ['AUD', 'USD', 'AUDUSD'],
  ].map(([base, quote, name]) => [pairKey(base, quote), name] as const),
);

/** Kraken's asset names that are not the usual code (its answer names XBTEUR `XXBTZEUR`). */
const KRAKEN_ASSETS: ReadonlyMap<string, string> = new Map([
  ['XXBT', 'BTC'],
  ['XBT', 'BTC'],
  ['ZEUR', 'EUR'],
  ['ZUSD', 'USD'],
  ['ZGBP', 'GBP'],
  ['ZCAD', 'CAD'],
  ['ZJPY', 'JPY'],
  ['ZCHF', 'CHF'],
  ['ZAUD', 'AUD'],
]);

/** The Kraken markets that price `base_quote` (one, or two for a cross rate), or undefined. */
export function krakenMarketsFor(base: string, quote: string): PairKey[] | undefined {
  return findRoute(base, quote, KRAKEN_MARKETS.keys())?.map((leg) => leg.market);
}

/** The query string of a ticker request for these markets. */
export function krakenTickerQuery(markets: readonly PairKey[]): string {
  return `pair=${markets.map((m) => KRAKEN_MARKETS.get(m)).join(',')}`;
}

/** A pair as Kraken's answer names it (`XXBTZEUR`, `XBTCHF`, `ZEURZUSD`, `EURGBP`), as `BASE_QUOTE`. */
export function decodeKrakenPair(name: string): PairKey | undefined {
  for (const [asset, code] of [...KRAKEN_ASSETS].sort((a, b) => b[0].length - a[0].length)) {
    if (name.startsWith(asset)) {
      const rest = name.slice(asset.length);
      const quote = KRAKEN_ASSETS.get(rest) ?? (/^[A-Z]{3}$/.test(rest) ? rest : undefined);
      return quote ? pairKey(code, quote) : undefined;
    }
  }
  return /^[A-Z]{6}$/.test(name) ? pairKey(name.slice(0, 3), name.slice(3)) : undefined;
}

/** The answer as a whole is unusable: not JSON (an HTML error page), Kraken's `error`, no `result`. */
export class KrakenAnswerError extends Error {}

export interface KrakenTicker {
  /** The bid of each market asked for that Kraken priced soundly. */
  rates: Map<PairKey, Fraction>;
  /** Why each other market asked for was left out. */
  problems: Map<PairKey, string>;
}

/** Reads a ticker answer for the markets asked for; throws KrakenAnswerError when nothing can be read. */
export function parseKrakenTicker(body: string, wanted: readonly PairKey[]): KrakenTicker {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const start = body.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    throw new KrakenAnswerError(
      start.startsWith('<')
        ? 'answered with an HTML page, not JSON'
        : `answered with something not JSON ("${start}")`,
    );
  }
  if (!isObject(json)) throw new KrakenAnswerError('answered with JSON that is not an object');
  const errors = json.error;
  if (Array.isArray(errors) && errors.length > 0) {
    throw new KrakenAnswerError(`answered with an error: ${errors.map(String).join('; ').slice(0, 200)}`);
  }
  if (!isObject(json.result)) throw new KrakenAnswerError('answered without a result object');

  const tickers = new Map<PairKey, unknown>();
  for (const [name, ticker] of Object.entries(json.result)) {
    const market = decodeKrakenPair(name);
    if (market && wanted.includes(market)) tickers.set(market, ticker);
  }
  const rates = new Map<PairKey, Fraction>();
  const problems = new Map<PairKey, string>();
  for (const market of wanted) {
    const ticker = tickers.get(market);
    const bid = isObject(ticker) ? firstPrice(ticker.b) : undefined;
    const ask = isObject(ticker) ? firstPrice(ticker.a) : undefined;
    if (ticker === undefined) problems.set(market, `left ${market} out of its answer`);
    else if (!bid || !ask) problems.set(market, `gave no positive bid and ask for ${market}`);
    else if (compareFractions(bid, ask) > 0) problems.set(market, `gave a bid above the ask for ${market}`);
    else rates.set(market, bid);
  }
  return { rates, problems };
}

/** `["21885.60500", "1", "1.000"]` → 21885.605; anything else (a number, "1e5", "0") → undefined. */
function firstPrice(level: unknown): Fraction | undefined {
  if (!Array.isArray(level) || typeof level[0] !== 'string' || level[0].length > 40) return undefined;
  return parseRate(level[0]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
