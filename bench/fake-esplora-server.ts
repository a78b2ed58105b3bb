import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The least of an Esplora REST API, on 127.0.0.1, for the watcher bench: the tip height, and each
 * address's transactions — none, or one unconfirmed transaction paying `sats` to the addresses in
 * `paid`. Counts the requests it answered. (The tests' richer fake lives in test/support.)
 */
export class BenchEsplora {
  readonly paid = new Map<string, number>();
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BenchEsplora> {
    const holder: { fake?: BenchEsplora } = {};
    const server = createServer((req, res) => {
      const fake = holder.fake!;
      fake.requests += 1;
      const path = (req.url ?? '/').replace(/^\/api(?=\/)/, '');
      if (path === '/blocks/tip/height') return void res.writeHead(200).end('871000');
      const m = /^\/address\/([a-zA-Z0-9]+)\/txs$/.exec(path);
      if (!m) return void res.writeHead(404).end('Not found');
      const sats = fake.paid.get(m[1]);
      const txs = sats === undefined ? [] : [transaction(m[1], sats)];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(txs));
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.fake = new BenchEsplora(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
    return holder.fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function transaction(address: string, sats: number) {
  const txid = createHash('sha256').update(`bench ${address}`).digest('hex');
  return {
    txid,
    version: 2,
    locktime: 0,
    vin: [{ txid: txid.split('').reverse().join(''), vout: 0, is_coinbase: false, sequence: 0xffffffff }],
    vout: [{ scriptpubkey_address: address, value: sats }],
    status: { confirmed: false },
  };
}
