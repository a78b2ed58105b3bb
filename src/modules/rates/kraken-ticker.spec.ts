import {
  decodeKrakenPair,
  KrakenAnswerError,
  krakenMarketsFor,
  krakenTickerQuery,
  parseKrakenTicker,
} from './kraken-ticker.js';
import { formatRate } from './rate-math.js';

/** A ticker entry as Kraken writes it: a = ask, b = bid, c = last trade, then volumes, trades, lows, highs. */
const ticker = (bid: string, ask: string) => ({
  a: [ask, '1', '1.000'],
  b: [bid, '2', '2.000'],
  c: [bid, '0.00100000'],
  v: ['100.1', '2000.2'],
  p: [bid, bid],
  t: [1000, 20000],
  l: [bid, bid],
  h: [ask, ask],
  o: bid,
});

const answer = (result: Record<string, unknown>) => JSON.stringify({ error: [], result });

describe('Kraken markets', () => {
  it('asks for the market of a pair, either way round, or the two BTC markets of a cross', () => {
    expect(krakenMarketsFor('BTC', 'EUR')).toEqual(['BTC_EUR']);
    expect(krakenMarketsFor('EUR', 'BTC')).toEqual(['BTC_EUR']);
    expect(krakenMarketsFor('USD', 'EUR')).toEqual(['EUR_USD']);
    expect(krakenMarketsFor('GBP', 'CHF')).toEqual(['BTC_GBP', 'BTC_CHF']);
    expect(krakenMarketsFor('BTC', 'XOF')).toBeUndefined();
    expect(krakenTickerQuery(['BTC_EUR', 'EUR_USD'])).toBe('pair=XBTEUR,EURUSD');
  });

  it('reads the names Kraken answers with', () => {
    expect(decodeKrakenPair('XXBTZEUR')).toBe('BTC_EUR');
    expect(decodeKrakenPair('XXBTZUSD')).toBe('BTC_USD');
    expect(decodeKrakenPair('XBTEUR')).toBe('BTC_EUR');
    expect(decodeKrakenPair('XBTCHF')).toBe('BTC_CHF');
    expect(decodeKrakenPair('ZEURZUSD')).toBe('EUR_USD');
    expect(decodeKrakenPair('ZUSDZJPY')).toBe('USD_JPY');
    expect(decodeKrakenPair('EURGBP')).toBe('EUR_GBP');
    expect(decodeKrakenPair('XXBTZEUR.d')).toBeUndefined();
  });
});

describe('parseKrakenTicker', () => {
  it("takes each market's bid, exactly", () => {
    const { rates, problems } = parseKrakenTicker(
      answer({ XXBTZEUR: ticker('21885.60500', '21885.70000'), ZEURZUSD: ticker('1.18000', '1.18010') }),
      ['BTC_EUR', 'EUR_USD'],
    );
    expect(problems.size).toBe(0);
    expect(formatRate(rates.get('BTC_EUR')!)).toBe('21885.605');
    expect(formatRate(rates.get('EUR_USD')!)).toBe('1.18');
  });

  it('refuses a bid above the ask, a zero or non-decimal price, and a missing market', () => {
    const { rates, problems } = parseKrakenTicker(
      answer({
        XXBTZEUR: ticker('21885.7', '21885.6'),
        XXBTZUSD: ticker('0.00000', '1.0'),
        XXBTZGBP: { ...ticker('1', '2'), b: [19000.5, '1', '1'] },
        XBTCHF: { a: ['1'] },
      }),
      ['BTC_EUR', 'BTC_USD', 'BTC_GBP', 'BTC_CHF', 'EUR_USD'],
    );
    expect(rates.size).toBe(0);
    expect(Object.fromEntries(problems)).toEqual({
      BTC_EUR: 'gave a bid above the ask for BTC_EUR',
      BTC_USD: 'gave no positive bid and ask for BTC_USD',
      BTC_GBP: 'gave no positive bid and ask for BTC_GBP',
      BTC_CHF: 'gave no positive bid and ask for BTC_CHF',
      EUR_USD: 'left EUR_USD out of its answer',
    });
  });

  it('takes an equal bid and ask, and ignores markets not asked for', () => {
    const { rates } = parseKrakenTicker(answer({ XXBTZEUR: ticker('5', '5'), XXBTZUSD: ticker('6', '7') }), [
      'BTC_EUR',
    ]);
    expect([...rates.keys()]).toEqual(['BTC_EUR']);
  });

  it('refuses an answer that is HTML, not JSON, an error, or has no result', () => {
    const cases: Array<[string, string]> = [
      ['<!DOCTYPE html><html><body>Cloudflare: 502</body></html>', 'answered with an HTML page, not JSON'],
      ['Service Unavailable', 'answered with something not JSON ("Service Unavailable")'],
      ['[1,2]', 'answered with JSON that is not an object'],
      [
        JSON.stringify({ error: ['EQuery:Unknown asset pair'] }),
        'answered with an error: EQuery:Unknown asset pair',
      ],
      [
        JSON.stringify({ error: ['EService:Unavailable'], result: {} }),
        'answered with an error: EService:Unavailable',
      ],
      [JSON.stringify({ error: [] }), 'answered without a result object'],
    ];
    for (const [body, message] of cases) {
      expect(() => parseKrakenTicker(body, ['BTC_EUR'])).toThrow(new KrakenAnswerError(message));
    }
  });
});
