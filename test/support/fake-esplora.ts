import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An Esplora REST API on 127.0.0.1 for tests, speaking Blockstream's shapes (esplora API.md, electrs
 * rest.rs): transactions with vin/vout/status, an address's transactions newest first (up to 50 in the
 * mempool, then the newest 25 confirmed, then pages of 25 by last seen txid), the tip height as plain
 * text, 404 "Transaction not found", 400 "Invalid Bitcoin address". A test pays addresses, mines blocks,
 * drops or replaces mempool transactions, and makes the server answer 429 with Retry-After, 500, garbage
 * or nothing at all.
 */

const FINAL_SEQUENCE = 0xffffffff;
const RBF_SEQUENCE = 0xfffffffd;
const MEMPOOL_LIMIT = 50;
const CHAIN_PAGE = 25;
const ADDRESS = /^[a-zA-Z0-9]{14,100}$/;

interface RawVout {
  scriptpubkey: string;
  scriptpubkey_asm: string;
  scriptpubkey_type: string;
  scriptpubkey_address: string;
  value: number;
}

interface RawTx {
  txid: string;
  version: number;
  locktime: number;
  vin: {
    txid: string;
    vout: number;
    prevout: RawVout;
    scriptsig: string;
    scriptsig_asm: string;
    witness: string[];
    is_coinbase: boolean;
    sequence: number;
  }[];
  vout: RawVout[];
  size: number;
  weight: number;
  fee: number;
  status:
    { confirmed: false } | { confirmed: true; block_height: number; block_hash: string; block_time: number };
}

export type FakeEsploraFailure =
  | { status: 429; retryAfter?: string }
  | { status: 500 | 502 | 503 | 400 | 404 }
  | { kind: 'hang' }
  | { kind: 'malformed'; body?: string; contentType?: string }
  | { kind: 'reset' };

export interface FakeOutput {
  address: string;
  sats: number | bigint;
}

export class FakeEsplora {
  /** The API's base URL, as ESPLORA_URL_* takes it (with Blockstream's /api prefix). */
  readonly url: string;
  tipHeight: number;
  /** Every path asked for, in order (without the /api prefix). */
  readonly requests: string[] = [];
  /** The same, with when each came and whether it was answered with an injected failure. */
  readonly log: { path: string; at: number; failed: boolean }[] = [];

  private readonly txs = new Map<string, { tx: RawTx; order: number }>();
  private order = 0;
  private failures: { failure: FakeEsploraFailure; times: number; match?: RegExp }[] = [];

  private constructor(
    private readonly server: Server,
    port: number,
    tipHeight: number,
  ) {
    this.url = `http://127.0.0.1:${port}/api`;
    this.tipHeight = tipHeight;
  }

  static async start(options: { tipHeight?: number } = {}): Promise<FakeEsplora> {
    const handlers: { fake?: FakeEsplora } = {};
    const server = createServer((req, res) => handlers.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handlers.fake = new FakeEsplora(
      server,
      (server.address() as AddressInfo).port,
      options.tipHeight ?? 871_000,
    );
    return handlers.fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Env for the app: both networks on this server. */
  get env(): Record<string, string> {
    return { ESPLORA_URL_MAINNET: this.url, ESPLORA_URL_TESTNET: this.url };
  }

  /** A transaction in the mempool paying `outputs`; `rbf` signals replaceability (BIP 125). */
  send(outputs: FakeOutput[], options: { rbf?: boolean; spends?: string } = {}): string {
    const n = ++this.order;
    const spends = options.spends ?? sha256(`input ${n}`);
    const vout = outputs.map((o) => rawVout(o.address, Number(o.sats)));
    const txid = sha256(`tx ${n} ${JSON.stringify(vout)}`);
    const value = vout.reduce((sum, o) => sum + o.value, 0) + 1000;
    this.txs.set(txid, {
      order: n,
      tx: {
        txid,
        version: 2,
        locktime: 0,
        vin: [
          {
            txid: spends,
            vout: 0,
            prevout: rawVout('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g', value),
            scriptsig: '',
            scriptsig_asm: '',
            witness: ['3044022000', '02aa'],
            is_coinbase: false,
            sequence: options.rbf ? RBF_SEQUENCE : FINAL_SEQUENCE,
          },
        ],
        vout,
        size: 222,
        weight: 561,
        fee: 1000,
        status: { confirmed: false },
      },
    });
    return txid;
  }

  /** One output paying `address` (vout 0). */
  pay(
    address: string,
    sats: number | bigint,
    options: { rbf?: boolean } = {},
  ): { txid: string; vout: number } {
    return { txid: this.send([{ address, sats }], options), vout: 0 };
  }

  /** A new block with these mempool transactions (all of them by default); returns its height. */
  mine(txids?: string[]): number {
    this.tipHeight += 1;
    const height = this.tipHeight;
    const hash = sha256(`block ${height}`);
    for (const [txid, entry] of this.txs) {
      if (entry.tx.status.confirmed || (txids && !txids.includes(txid))) continue;
      entry.tx.status = {
        confirmed: true,
        block_height: height,
        block_hash: hash,
        block_time: 1_700_000_000 + height,
      };
    }
    return height;
  }

  /** The transaction leaves the mempool without being mined (evicted, or replaced by one paying elsewhere). */
  drop(txid: string): void {
    const entry = this.txs.get(txid);
    if (!entry || entry.tx.status.confirmed) throw new Error(`${txid} is not in the mempool`);
    this.txs.delete(txid);
  }

  /** Replace-by-fee: the transaction leaves the mempool; one spending the same input pays `outputs`. */
  replace(txid: string, outputs: FakeOutput[]): string {
    const spends = this.txs.get(txid)?.tx.vin[0].txid;
    this.drop(txid);
    return this.send(outputs, { rbf: true, spends });
  }

  /** The next `times` requests (whose path matches `match`, when given) fail this way. */
  fail(failure: FakeEsploraFailure, times = 1, match?: RegExp): void {
    this.failures.push({ failure, times, match });
  }

  clearFailures(): void {
    this.failures = [];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').replace(/^\/api(?=\/)/, '');
    this.requests.push(path);
    const failure = this.takeFailure(path);
    this.log.push({ path, at: Date.now(), failed: failure !== null });
    if (failure) return this.answerFailure(failure, req, res);
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed');
    let m: RegExpExecArray | null;
    if (path === '/blocks/tip/height') return text(res, 200, String(this.tipHeight));
    if (path === '/blocks/tip/hash') return text(res, 200, sha256(`block ${this.tipHeight}`));
    if ((m = /^\/tx\/([^/]+)(\/status)?$/.exec(path))) {
      const entry = this.txs.get(m[1]);
      if (!entry) return text(res, 404, 'Transaction not found');
      return json(res, m[2] ? entry.tx.status : entry.tx);
    }
    if ((m = /^\/address\/([^/]+)\/txs(?:\/(chain|mempool)(?:\/([^/]+))?)?$/.exec(path))) {
      const [, address, part, lastSeen] = m;
      if (!ADDRESS.test(address)) return text(res, 400, 'Invalid Bitcoin address');
      const mine = this.paying(address);
      const mempool = mine.filter((tx) => !tx.status.confirmed).slice(0, MEMPOOL_LIMIT);
      const chain = mine.filter((tx) => tx.status.confirmed);
      if (part === 'mempool') return json(res, mempool);
      if (part === 'chain') {
        let start = 0;
        if (lastSeen) {
          const at = chain.findIndex((tx) => tx.txid === lastSeen);
          if (at < 0) return json(res, []);
          start = at + 1;
        }
        return json(res, chain.slice(start, start + CHAIN_PAGE));
      }
      return json(res, [...mempool, ...chain.slice(0, CHAIN_PAGE)]);
    }
    text(res, 404, 'Not found');
  }

  /** The address's transactions, newest first: mempool by arrival, then by block height. */
  private paying(address: string): RawTx[] {
    const entries = [...this.txs.values()].filter(({ tx }) =>
      tx.vout.some((o) => o.scriptpubkey_address === address),
    );
    const height = (tx: RawTx) => (tx.status.confirmed ? tx.status.block_height : Infinity);
    entries.sort((a, b) => height(b.tx) - height(a.tx) || b.order - a.order);
    return entries.map((e) => e.tx);
  }

  private takeFailure(path: string): FakeEsploraFailure | null {
    const next = this.failures.find((f) => f.times > 0 && (!f.match || f.match.test(path)));
    if (!next) return null;
    next.times -= 1;
    this.failures = this.failures.filter((f) => f.times > 0);
    return next.failure;
  }

  private answerFailure(failure: FakeEsploraFailure, req: IncomingMessage, res: ServerResponse): void {
    if ('status' in failure) {
      if (failure.status === 429 && failure.retryAfter !== undefined)
        res.setHeader('Retry-After', failure.retryAfter);
      return text(
        res,
        failure.status,
        failure.status === 429 ? 'Too Many Requests' : 'Internal Server Error',
      );
    }
    switch (failure.kind) {
      case 'hang':
        return; // never answers; stop() closes the connection
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': failure.contentType ?? 'application/json' });
        res.end(failure.body ?? '<html>Service temporarily unavailable</html>');
        return;
    }
  }
}

function rawVout(address: string, value: number): RawVout {
  const program = sha256(address).slice(0, 40);
  return {
    scriptpubkey: `0014${program}`,
    scriptpubkey_asm: `OP_0 OP_PUSHBYTES_20 ${program}`,
    scriptpubkey_type: 'v0_p2wpkh',
    scriptpubkey_address: address,
    value,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
