import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** What the standardwebhooks verifier made of it with the secret the test holds. */
  verified: unknown;
}

/**
 * A webhook receiver on 127.0.0.1: answers each request with the next scripted reply (200 once the
 * script is spent) and verifies every signature with the standardwebhooks package, as a customer would.
 */
export class Receiver {
  readonly received: Received[] = [];
  secret = '';
  replies: Array<number | 'hang' | { status: number; location?: string; headers?: Record<string, string> }> =
    [];
  private server!: Server;
  private readonly hanging: ServerResponse[] = [];

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        let verified: unknown;
        try {
          verified = new Webhook(this.secret).verify(body, headers);
        } catch (e) {
          verified = e instanceof Error ? e.message : 'failed';
        }
        this.received.push({ headers, body, verified });
        const reply = this.replies.shift() ?? 200;
        if (reply === 'hang') {
          this.hanging.push(res);
          return;
        }
        if (typeof reply === 'object') {
          res
            .writeHead(reply.status, {
              ...(reply.location && { location: reply.location }),
              ...reply.headers,
            })
            .end();
          return;
        }
        res.writeHead(reply, { 'content-type': 'text/plain' }).end(`reply ${reply} ${'x'.repeat(5000)}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  reset(secret: string): void {
    this.received.length = 0;
    this.replies = [];
    this.secret = secret;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Polls `probe` until it answers something other than undefined. A probe that throws is tried again
 * (a request racing the writer it waits for); the last error is in the timeout's message.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : JSON.stringify(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
