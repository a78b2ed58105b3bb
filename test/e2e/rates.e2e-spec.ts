import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { RatesService } from '../../src/modules/rates/rates.service.js';
import { bearer, expectError, keyWithScopes } from '../support/bank.js';
import { startFakeKraken, type FakeKraken } from '../support/fake-kraken.js';
import { createOrganization, createTestApp, type TestApp } from '../test-app.js';

const SEED_TABLE = 'EUR_BTC=0.000045692133693556,EUR_USD=1.18';

describe('Exchange rates', () => {
  let kraken: FakeKraken;
  const apps: TestApp[] = [];

  /** An app of its own (its own RatesService and in-flight fetches), on the run's one database. */
  async function ratesOf(env: Record<string, string>): Promise<{ rates: RatesService; t: TestApp }> {
    const t = await createTestApp({ RATE_TIMEOUT_SECONDS: '1', ...env });
    apps.push(t);
    return { rates: t.app.get(RatesService), t };
  }

  const krakenOnly = () => ({ RATE_SOURCES: 'kraken', KRAKEN_URL: kraken.url });

  async function unavailable(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'RATE_UNAVAILABLE' });
    return error as DomainError;
  }

  beforeEach(async () => {
    kraken = await startFakeKraken({
      XBTEUR: { bid: '21885.60500', ask: '21885.70000' },
      XBTUSD: { bid: '25824.01390', ask: '25824.50000' },
      EURUSD: { bid: '1.18000', ask: '1.18010' },
    });
  });

  afterEach(async () => {
    await Promise.all(
      apps.splice(0).map(async (t) => {
        await t.app.get(DataSource).query(`DELETE FROM rate_quotes`);
        await t.close();
      }),
    );
    await kraken.close();
  });

  describe('fixed', () => {
    it("reproduces seed 003's rates from the table, and derives the other way round exactly", async () => {
      const { rates } = await ratesOf({ FIXED_RATES: SEED_TABLE });
      const [btc, usd] = await rates.quotes([
        { base: 'EUR', quote: 'BTC' },
        { base: 'EUR', quote: 'USD' },
      ]);
      expect(btc).toMatchObject({ base: 'EUR', quote: 'BTC', rate: '0.000045692133693556', source: 'fixed' });
      expect(usd).toMatchObject({ base: 'EUR', quote: 'USD', rate: '1.18', source: 'fixed' });
      expect(btc.fetchedAt).toBeInstanceOf(Date);
      // 1 / 0.000045692133693556, cut after 18 decimals
      expect((await rates.quote('BTC', 'EUR')).rate).toBe('21885.605227077212200385');
      // through EUR: USD per BTC = (1 / 0.000045692133693556) × 1.18, from exact figures
      expect((await rates.quote('BTC', 'USD')).rate).toBe('25825.014167951110396454');
      expect(await rates.quote('USD', 'USD')).toMatchObject({ rate: '1', source: 'identity' });
      expect(kraken.requests).toEqual([]);
    });

    it('says which pair it cannot price, and refuses codes that are not currencies', async () => {
      const { rates } = await ratesOf({ FIXED_RATES: SEED_TABLE });
      const error = await unavailable(
        rates.quotes([
          { base: 'EUR', quote: 'BTC' },
          { base: 'JPY', quote: 'BTC' },
        ]),
      );
      expect(error.message).toBe(
        'No exchange rate for JPY_BTC (JPY_BTC: fixed cannot derive JPY_BTC from FIXED_RATES)',
      );
      await expect(rates.quote('EUR', 'bitcoin')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('kraken', () => {
    it("uses the bid of Kraken's ticker, and derives the inverse and cross rates exactly", async () => {
      const { rates } = await ratesOf(krakenOnly());
      const [eurBtc, eurUsd, btcEur] = await rates.quotes([
        { base: 'EUR', quote: 'BTC' },
        { base: 'EUR', quote: 'USD' },
        { base: 'BTC', quote: 'EUR' },
      ]);
      expect(btcEur).toMatchObject({ rate: '21885.605', source: 'kraken' });
      expect(eurBtc).toMatchObject({ rate: '0.000045692134167641', source: 'kraken' });
      expect(eurUsd).toMatchObject({ rate: '1.18', source: 'kraken' });
      // One request for every market the three pairs need
      expect(kraken.requests).toEqual(['pair=XBTEUR,EURUSD']);
    });

    it('crosses two BTC markets when Kraken has no market for the pair', async () => {
      const { rates } = await ratesOf(krakenOnly());
      kraken.markets.XBTGBP = { bid: '19000.5', ask: '19001' };
      kraken.markets.XBTCHF = { bid: '90000.25', ask: '90001' };
      const quote = await rates.quote('GBP', 'CHF');
      expect(kraken.requests).toEqual(['pair=XBTGBP,XBTCHF']);
      // 90000.25 / 19000.5, cut after 18 decimals (checked with decimal.js)
      expect(quote).toMatchObject({ rate: '4.736730612352306518', source: 'kraken' });
    });

    it('asks Kraken nothing while a cached quote is fresh, and the cache is shared by replicas', async () => {
      const first = await ratesOf(krakenOnly());
      const second = await ratesOf(krakenOnly());
      const fromKraken = await first.rates.quote('EUR', 'BTC');
      expect(kraken.requests).toHaveLength(1);

      kraken.markets.XBTEUR = { bid: '30000', ask: '30001' };
      const again = await first.rates.quote('BTC', 'EUR');
      const otherReplica = await second.rates.quote('EUR', 'BTC');
      expect(kraken.requests).toHaveLength(1);
      expect(again).toMatchObject({ rate: '21885.605', source: 'kraken' });
      expect(otherReplica).toEqual(fromKraken);

      const [row] = await first.t.app
        .get(DataSource)
        .query(`SELECT source, pair, rate::text AS rate FROM rate_quotes`);
      expect(row).toEqual({ source: 'kraken', pair: 'BTC_EUR', rate: '21885.605' });
    });

    it('asks again once the cached quote is older than RATE_CACHE_SECONDS, and never uses it after', async () => {
      const { rates, t } = await ratesOf({ ...krakenOnly(), RATE_CACHE_SECONDS: '60' });
      await rates.quote('BTC', 'EUR');
      const age = (seconds: number) =>
        t.app
          .get(DataSource)
          .query(`UPDATE rate_quotes SET fetched_at = clock_timestamp() - make_interval(secs => $1)`, [
            seconds,
          ]);

      await age(59);
      expect((await rates.quote('BTC', 'EUR')).rate).toBe('21885.605');
      expect(kraken.requests).toHaveLength(1);

      await age(61);
      kraken.markets.XBTEUR = { bid: '30000.1', ask: '30000.2' };
      const fresh = await rates.quote('BTC', 'EUR');
      expect(fresh.rate).toBe('30000.1');
      expect(kraken.requests).toHaveLength(2);
      expect(Date.now() - fresh.fetchedAt.getTime()).toBeLessThan(5000);

      // Kraken down with only a stale quote left: no rate, rather than the stale one
      await age(61);
      kraken.mode = 'http-500';
      const error = await unavailable(rates.quote('BTC', 'EUR'));
      expect(error.message).toBe('No exchange rate for BTC_EUR (BTC_EUR: kraken answered HTTP 500)');
    });

    it('with RATE_CACHE_SECONDS=0, asks Kraken every time', async () => {
      const { rates } = await ratesOf({ ...krakenOnly(), RATE_CACHE_SECONDS: '0' });
      await rates.quote('BTC', 'EUR');
      await rates.quote('BTC', 'EUR');
      expect(kraken.requests).toHaveLength(2);
    });

    it('sends one request for concurrent callers on one instance', async () => {
      const { rates } = await ratesOf(krakenOnly());
      kraken.holding = true;
      const asked = Promise.all(Array.from({ length: 5 }, () => rates.quote('EUR', 'BTC')));
      while (kraken.requests.length === 0) await sleep(10);
      // Let the other four reach the fetch in flight (a query each), then answer.
      await sleep(200);
      kraken.holding = false;
      kraken.release();
      const quotes = await asked;
      expect(new Set(quotes.map((q) => q.rate))).toEqual(new Set(['0.000045692134167641']));
      expect(kraken.requests).toHaveLength(1);
    });
  });

  describe('fallback', () => {
    const both = () => ({
      RATE_SOURCES: 'kraken,fixed',
      KRAKEN_URL: kraken.url,
      FIXED_RATES: 'BTC_EUR=20000',
    });

    it.each([
      ['an HTML page with status 200', 'html', 'kraken answered with an HTML page, not JSON'],
      ['HTTP 500', 'http-500', 'kraken answered HTTP 500'],
      ["Kraken's error list", 'kraken-error', 'kraken answered with an error: EService:Busy'],
      ['no answer within the timeout', 'hang', 'kraken did not answer within 1 s'],
    ] as const)(
      'goes to the next source when Kraken gives %s, and says so when none is left',
      async (_, mode, said) => {
        const { rates } = await ratesOf(both());
        kraken.mode = mode;
        expect(await rates.quote('EUR', 'BTC')).toMatchObject({ rate: '0.00005', source: 'fixed' });

        const alone = await ratesOf(krakenOnly());
        const error = await unavailable(alone.rates.quote('EUR', 'BTC'));
        expect(error.message).toBe(`No exchange rate for EUR_BTC (EUR_BTC: ${said})`);
        expect(error.details).toEqual([
          { pair: 'EUR_BTC', sources: [{ source: 'kraken', reason: said.slice('kraken '.length) }] },
        ]);
      },
    );

    it('refuses a bid above the ask and falls back', async () => {
      const { rates } = await ratesOf(both());
      kraken.markets.XBTEUR = { bid: '21886', ask: '21885' };
      expect(await rates.quote('BTC', 'EUR')).toMatchObject({ rate: '20000', source: 'fixed' });
    });

    it('goes to the next source when Kraken cannot be reached', async () => {
      const { rates } = await ratesOf(both());
      await kraken.close();
      expect(await rates.quote('BTC', 'EUR')).toMatchObject({ rate: '20000', source: 'fixed' });
      const error = await unavailable(rates.quote('BTC', 'USD'));
      expect(error.message).toMatch(
        /^No exchange rate for BTC_USD \(BTC_USD: kraken could not be reached \(ECONNREFUSED\); fixed cannot derive BTC_USD from FIXED_RATES\)$/,
      );
    });

    it('asks the sources in the order given, each pair on its own', async () => {
      const { rates } = await ratesOf({
        RATE_SOURCES: 'fixed,kraken',
        KRAKEN_URL: kraken.url,
        FIXED_RATES: 'BTC_EUR=20000',
      });
      const [eur, usd] = await rates.quotes([
        { base: 'BTC', quote: 'EUR' },
        { base: 'BTC', quote: 'USD' },
      ]);
      expect(eur).toMatchObject({ rate: '20000', source: 'fixed' });
      expect(usd).toMatchObject({ rate: '25824.0139', source: 'kraken' });
      expect(kraken.requests).toEqual(['pair=XBTUSD']);
    });

    it('never calls the real Kraken in a test run without KRAKEN_URL', async () => {
      const { rates } = await ratesOf({ RATE_SOURCES: 'kraken' });
      const error = await unavailable(rates.quote('BTC', 'EUR'));
      expect(error.message).toContain('kraken is not called: KRAKEN_URL is unset');
    });
  });

  describe('GET /api/v1/rates', () => {
    it('shows the rate an invoice would get now, and 503 RATE_UNAVAILABLE when no source has one', async () => {
      const { t } = await ratesOf({
        RATE_SOURCES: 'kraken,fixed',
        KRAKEN_URL: kraken.url,
        FIXED_RATES: 'EUR_USD=1.18',
      });
      const org = await createOrganization(t);
      const res = await t.http().get('/api/v1/rates?pair=EUR_BTC').set(bearer(org.key)).expect(200);
      expect(res.body).toEqual({
        pair: 'EUR_BTC',
        base: 'EUR',
        quote: 'BTC',
        rate: '0.000045692134167641',
        source: 'kraken',
        fetchedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });

      await kraken.close();
      const cached = await t.http().get('/api/v1/rates?pair=BTC_EUR').set(bearer(org.key)).expect(200);
      expect(cached.body).toMatchObject({
        rate: '21885.605',
        source: 'kraken',
        fetchedAt: res.body.fetchedAt,
      });
      await t.app.get(DataSource).query(`DELETE FROM rate_quotes`);
      const down = await t.http().get('/api/v1/rates?pair=EUR_BTC').set(bearer(org.key));
      expectError(down, 503, 'RATE_UNAVAILABLE');
      expect(down.body.message).toBe(
        'No exchange rate for EUR_BTC (EUR_BTC: kraken could not be reached (ECONNREFUSED); fixed cannot derive EUR_BTC from FIXED_RATES)',
      );
      expect(down.body.details).toEqual([
        {
          pair: 'EUR_BTC',
          sources: [
            { source: 'kraken', reason: 'could not be reached (ECONNREFUSED)' },
            { source: 'fixed', reason: 'cannot derive EUR_BTC from FIXED_RATES' },
          ],
        },
      ]);
    });

    it('refuses a malformed pair with 422, and a key without checkout:read with 403', async () => {
      const { t } = await ratesOf({ FIXED_RATES: SEED_TABLE });
      const org = await createOrganization(t);
      for (const pair of ['', 'EURBTC', 'eur_btc', 'EUR_XYZ', 'EUR_BTC_USD']) {
        const res = await t.http().get('/api/v1/rates').query({ pair }).set(bearer(org.key));
        expectError(res, 422, 'VALIDATION_FAILED');
      }
      expectError(await t.http().get('/api/v1/rates').set(bearer(org.key)), 422, 'VALIDATION_FAILED');
      const key = await keyWithScopes(t, org, ['payment-requests:read']);
      expectError(
        await t.http().get('/api/v1/rates?pair=EUR_BTC').set(bearer(key)),
        403,
        'INSUFFICIENT_SCOPE',
      );
      const reader = await keyWithScopes(t, org, ['checkout:read']);
      const ok = await t.http().get('/api/v1/rates?pair=EUR_BTC').set(bearer(reader)).expect(200);
      expect(ok.body).toMatchObject({ rate: '0.000045692133693556', source: 'fixed' });
    });
  });
});
