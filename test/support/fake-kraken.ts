import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What Kraken's answer names each market (its canonical pair name), by the name it is asked by. */
const KRAKEN_NAMES: Record<string, string> = {
  XBTEUR: 'XXBTZEUR',
  XBTUSD: 'XXBTZUSD',
  XBTGBP: 'XXBTZGBP',
  XBTCAD: 'XXBTZCAD',
  XBTJPY: 'XXBTZJPY',
  XBTCHF: 'XBTCHF',
  XBTAUD: 'XBTAUD',
  EURUSD: 'ZEURZUSD',
  GBPUSD: 'ZGBPZUSD',
  EURGBP: 'EURGBP',
  USDCAD: 'ZUSDZCAD',
  USDJPY: 'ZUSDZJPY',
  USDCHF: 'USDCHF',
  AUDUSD: 'AUDUSD',
};

export interface BidAsk {
  bid: string;
  ask: string;
}

/**
 * How the fake answers the next requests: as Kraken does (`ok`), or as it does on a bad day: an HTML
 * error page with status 200 (BTCPay #1532), HTTP 500, Kraken's own `error` list, or no answer at all.
 */
export type KrakenMode = 'ok' | 'html' | 'http-500' | 'kraken-error' | 'hang';

/**
 * Kraken's public ticker on 127.0.0.1 (`GET /0/public/Ticker?pair=XBTEUR,EURUSD`), answering in its
 * real JSON shape: `{error: [], result: {XXBTZEUR: {a, b, c, v, p, t, l, h, o}}}`, an unknown pair making
 * the whole answer `{error: ["EQuery:Unknown asset pair"]}` as Kraken does.
 */
export interface FakeKraken {
  url: string;
  /** The query string of each ticker request received (answered or not yet), in order. */
  requests: string[];
  /** Markets by the name Kraken is asked by (XBTEUR); a market missing here is unknown to the fake. */
  markets: Record<string, BidAsk>;
  mode: KrakenMode;
  /** While set, requests wait (answered when `release` is called): to overlap concurrent callers. */
  holding: boolean;
  release: () => void;
  close: () => Promise<void>;
}

export async function startFakeKraken(markets: Record<string, BidAsk>): Promise<FakeKraken> {
  const held: Array<() => void> = [];
  const hanging: ServerResponse[] = [];
  const fake: FakeKraken = {
    url: '',
    requests: [],
    markets,
    mode: 'ok',
    holding: false,
    release: () => held.splice(0).forEach((answer) => answer()),
    close: () =>
      new Promise<void>((resolve) => {
        fake.release();
        hanging.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://kraken.test');
    if (url.pathname !== '/0/public/Ticker') {
      res
        .writeHead(404, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: ['EGeneral:Unknown method'] }));
      return;
    }
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    switch (fake.mode) {
      case 'hang':
        hanging.push(res);
        return;
      case 'html':
        res
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end(
            '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>',
          );
        return;
      case 'http-500':
        json(500, { error: ['EService:Unavailable'] });
        return;
      case 'kraken-error':
        json(200, { error: ['EService:Busy'] });
        return;
      case 'ok':
        break;
    }
    const asked = (url.searchParams.get('pair') ?? '').split(',').filter(Boolean);
    if (asked.length === 0 || asked.some((name) => !fake.markets[name] || !KRAKEN_NAMES[name])) {
      json(200, { error: ['EQuery:Unknown asset pair'] });
      return;
    }
    const result = Object.fromEntries(
      asked.map((name) => [KRAKEN_NAMES[name], tickerOf(fake.markets[name])] as const),
    );
    json(200, { error: [], result });
  };

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/0/public/Ticker')) fake.requests.push(req.url.slice(req.url.indexOf('?') + 1));
    if (fake.holding) held.push(() => answer(req, res));
    else answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** One market's entry as Kraken writes it: prices and volumes as strings, trade counts as numbers. */
function tickerOf({ bid, ask }: BidAsk) {
  return {
    a: [ask, '1', '1.000'],
    b: [bid, '3', '3.000'],
    c: [bid, '0.00230000'],
    v: ['95.51234567', '1423.87654321'],
    p: [bid, bid],
    t: [3050, 41230],
    l: [bid, bid],
    h: [ask, ask],
    o: bid,
  };
}
