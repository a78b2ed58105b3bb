import { outputsPaying, vanishedOutputs } from '../../src/modules/checkout/chain/chain-outputs.js';
import {
  EsploraClient,
  EsploraHistoryTooLongError,
  EsploraMalformedError,
  EsploraRateLimitedError,
  EsploraRejectedError,
  EsploraUnavailableError,
} from '../../src/modules/checkout/chain/esplora-client.js';
import { FakeEsplora } from '../support/fake-esplora.js';
import { freePort } from '../test-app.js';

/** The Esplora client against a fake Esplora on 127.0.0.1 speaking the real shapes. */
const ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const OTHER = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g';

describe('EsploraClient', () => {
  let esplora: FakeEsplora;
  let client: EsploraClient;

  beforeEach(async () => {
    esplora = await FakeEsplora.start({ tipHeight: 871_000 });
    client = new EsploraClient({ baseUrl: esplora.url, timeoutMs: 2000 });
  });
  afterEach(() => esplora.stop());

  it('reads the tip height (plain text)', async () => {
    expect(await client.tipHeight()).toBe(871_000);
    esplora.mine();
    expect(await client.tipHeight()).toBe(871_001);
  });

  it("reads an address's mempool and confirmed transactions; the outputs paying it with their confirmations", async () => {
    const confirmed = esplora.pay(ADDRESS, 40_000);
    esplora.pay(OTHER, 5);
    esplora.mine(); // 871001
    esplora.mine(); // 871002
    const unconfirmed = esplora.pay(ADDRESS, 60_000, { rbf: true });
    const history = await client.addressTxs(ADDRESS);
    expect(history.mempoolComplete).toBe(true);
    expect(history.txs.map((tx) => tx.txid)).toEqual([unconfirmed.txid, confirmed.txid]);
    expect(outputsPaying(ADDRESS, history.txs, await client.tipHeight())).toEqual([
      { ...unconfirmed, sats: 60_000n, confirmations: 0, rbfSignalled: true, blockHeight: null },
      { ...confirmed, sats: 40_000n, confirmations: 2, rbfSignalled: false, blockHeight: 871_001 },
    ]);
    expect(esplora.requests).toEqual([`/address/${ADDRESS}/txs`, '/blocks/tip/height']);
  });

  it('pages through a long confirmed history by last seen txid, so that nothing is missed', async () => {
    const paid: string[] = [];
    for (let i = 0; i < 60; i++) {
      paid.push(esplora.pay(ADDRESS, 1000 + i).txid);
      if (i % 7 === 0) esplora.mine();
    }
    esplora.mine();
    esplora.pay(ADDRESS, 1); // and one in the mempool
    const history = await client.addressTxs(ADDRESS);
    expect(history.txs).toHaveLength(61);
    expect(new Set(history.txs.map((tx) => tx.txid))).toEqual(new Set([...paid, history.txs[0].txid]));
    const chainPages = esplora.requests.filter((p) => p.includes('/txs/chain/'));
    expect(chainPages).toHaveLength(2); // 25 with the first answer, then 25, then 10
    expect(outputsPaying(ADDRESS, history.txs, esplora.tipHeight)).toHaveLength(61);
  });

  it('asks one more page when the confirmed history is exactly one full page', async () => {
    for (let i = 0; i < 25; i++) esplora.pay(ADDRESS, 1000 + i);
    esplora.mine();
    expect((await client.addressTxs(ADDRESS)).txs).toHaveLength(25);
    expect(esplora.requests.filter((p) => p.includes('/txs/chain/'))).toHaveLength(1);
  });

  it('stops paging below sinceHeight: a long-used address costs what is recent, not its whole history', async () => {
    for (let block = 0; block < 10; block++) {
      for (let i = 0; i < 10; i++) esplora.pay(ADDRESS, 1000 + i);
      esplora.mine(); // 871001 … 871010, 10 transactions each
    }
    const history = await client.addressTxs(ADDRESS, { sinceHeight: 871_009 });
    // The first page (25, down to 871008) already reaches below 871009.
    expect(esplora.requests.filter((p) => p.includes('/txs/chain/'))).toHaveLength(0);
    expect(history.txs.filter((tx) => tx.status.blockHeight! >= 871_009)).toHaveLength(20);
  });

  it('refuses to answer a history longer than maxChainPages rather than a part of it', async () => {
    const short = new EsploraClient({ baseUrl: esplora.url, maxChainPages: 2 });
    for (let i = 0; i < 80; i++) esplora.pay(ADDRESS, 1000 + i);
    esplora.mine();
    await expect(short.addressTxs(ADDRESS)).rejects.toBeInstanceOf(EsploraHistoryTooLongError);
  });

  it('says when the mempool listing may be cut (50 unconfirmed transactions): nothing is voided then', async () => {
    const first = esplora.pay(ADDRESS, 1);
    for (let i = 0; i < 50; i++) esplora.pay(ADDRESS, 2 + i);
    const history = await client.addressTxs(ADDRESS);
    expect(history).toMatchObject({ mempoolComplete: false });
    expect(history.txs).toHaveLength(50);
    const current = outputsPaying(ADDRESS, history.txs, esplora.tipHeight);
    expect(vanishedOutputs([{ ...first, confirmations: 0 }], current, history.mempoolComplete)).toEqual([]);
  });

  it('sees a transaction replaced by fee leave the mempool: its output vanishes, its status is 404', async () => {
    const original = esplora.pay(ADDRESS, 50_000, { rbf: true });
    const before = await client.addressTxs(ADDRESS);
    const seen = outputsPaying(ADDRESS, before.txs, esplora.tipHeight);
    expect(seen).toHaveLength(1);
    expect(await client.transactionStatus(original.txid)).toEqual({
      confirmed: false,
      blockHeight: null,
      blockHash: null,
      blockTime: null,
    });

    const replacement = esplora.replace(original.txid, [{ address: OTHER, sats: 49_000 }]);
    const after = await client.addressTxs(ADDRESS);
    const current = outputsPaying(ADDRESS, after.txs, esplora.tipHeight);
    expect(vanishedOutputs(seen, current, after.mempoolComplete)).toEqual([seen[0]]);
    expect(await client.transactionStatus(original.txid)).toBeNull();
    expect(await client.transactionStatus(replacement)).toMatchObject({ confirmed: false });
    esplora.mine();
    expect(await client.transactionStatus(replacement)).toMatchObject({
      confirmed: true,
      blockHeight: esplora.tipHeight,
    });
  });

  describe('failures, each a typed error', () => {
    it('429 with Retry-After in seconds, as an HTTP date, or without it', async () => {
      esplora.fail({ status: 429, retryAfter: '7' });
      const seconds = await client.tipHeight().catch((e: unknown) => e);
      expect(seconds).toBeInstanceOf(EsploraRateLimitedError);
      expect(seconds).toMatchObject({ retryAfterSeconds: 7, path: '/blocks/tip/height' });

      const now = new Date('2026-11-27T10:00:00Z');
      const dated = new EsploraClient({ baseUrl: esplora.url, now: () => now });
      esplora.fail({ status: 429, retryAfter: 'Fri, 27 Nov 2026 10:01:30 GMT' });
      await expect(dated.addressTxs(ADDRESS)).rejects.toMatchObject({ retryAfterSeconds: 90 });

      esplora.fail({ status: 429 });
      await expect(client.tipHeight()).rejects.toMatchObject({ retryAfterSeconds: null });
      // And it answers again afterwards.
      expect(await client.tipHeight()).toBe(871_000);
    });

    it('500 is unavailable (server_error), with its status', async () => {
      esplora.fail({ status: 500 });
      const error = await client.addressTxs(ADDRESS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EsploraUnavailableError);
      expect(error).toMatchObject({ reason: 'server_error', status: 500 });
    });

    it('an answer that never comes is unavailable (timeout) after timeoutMs', async () => {
      const quick = new EsploraClient({ baseUrl: esplora.url, timeoutMs: 300 });
      esplora.fail({ kind: 'hang' });
      const started = Date.now();
      await expect(quick.tipHeight()).rejects.toMatchObject({
        name: 'EsploraUnavailableError',
        reason: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('a closed port or a reset connection is unavailable (unreachable)', async () => {
      const nobody = new EsploraClient({ baseUrl: `http://127.0.0.1:${await freePort()}/api` });
      await expect(nobody.tipHeight()).rejects.toMatchObject({
        name: 'EsploraUnavailableError',
        reason: 'unreachable',
      });
      esplora.fail({ kind: 'reset' });
      await expect(client.addressTxs(ADDRESS)).rejects.toMatchObject({ reason: 'unreachable' });
    });

    it('a malformed answer is refused, never trusted: HTML, a JSON of another shape, a tip that is not a number', async () => {
      esplora.fail({ kind: 'malformed' });
      await expect(client.addressTxs(ADDRESS)).rejects.toBeInstanceOf(EsploraMalformedError);
      esplora.fail({ kind: 'malformed', body: '{"error":"rate limited"}' });
      await expect(client.addressTxs(ADDRESS)).rejects.toThrow(/expected an array/);
      esplora.fail({ kind: 'malformed', body: '[{"txid":"x"}]' });
      await expect(client.addressTxs(ADDRESS)).rejects.toThrow(/\$\[0\]\.txid/);
      esplora.fail({ kind: 'malformed', body: '<html>', contentType: 'text/html' });
      await expect(client.tipHeight()).rejects.toBeInstanceOf(EsploraMalformedError);
    });

    it('refuses an answer larger than maxBodyBytes', async () => {
      const small = new EsploraClient({ baseUrl: esplora.url, maxBodyBytes: 1000 });
      for (let i = 0; i < 5; i++) esplora.pay(ADDRESS, 1000 + i);
      await expect(small.addressTxs(ADDRESS)).rejects.toThrow(/at most 1000|more than 1000/);
    });

    it('another 4xx is the server refusing the request', async () => {
      esplora.fail({ status: 400 });
      await expect(client.addressTxs(ADDRESS)).rejects.toBeInstanceOf(EsploraRejectedError);
      await expect(client.addressTxs('not/an/address')).rejects.toThrow(RangeError);
    });
  });
});
