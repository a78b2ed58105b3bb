import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardingProxy {
  url: string;
  close: () => Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 in front of `target`, as nginx's `proxy_add_x_forwarded_for` does it:
 * the caller's address is appended to X-Forwarded-For (after whatever the caller claimed).
 */
export async function startForwardingProxy(target: string): Promise<ForwardingProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const claimed = req.headers['x-forwarded-for'];
    const forwardedFor = [claimed, req.socket.remoteAddress].filter(Boolean).join(', ');
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host, 'x-forwarded-for': forwardedFor },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface PlainResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: { code?: string };
}

/**
 * A GET from a given loopback address (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to lo), so
 * that the proxy sees distinct clients.
 */
export function getFrom(
  from: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: from, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
