import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';

/** What a bounded exchange answered: any status, its body as text. */
export interface BoundedAnswer {
  status: number;
  text: string;
}

/**
 * Why a bounded exchange failed, in a short English phrase that follows the server's name ("… did not
 * answer within 10 s"); `connectError` is the socket's or TLS's own error when it could not be reached.
 */
export class BoundedRequestError extends Error {
  constructor(
    reason: string,
    readonly connectError?: Error & { code?: string },
  ) {
    super(reason);
    this.name = 'BoundedRequestError';
  }
}

export interface BoundedRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string | number>;
  body?: Buffer;
  /** An agent of its own (a pinned certificate authority, kept-alive connections). */
  agent?: HttpAgent | HttpsAgent;
  /** The whole exchange — connect, TLS, headers, body — ends within this time, or fails. */
  timeoutMs: number;
  /** A longer answer fails (read no further). */
  maxBodyBytes: number;
}

/**
 * One HTTP exchange with an outside service (a rate source, LND), bounded in time and size; redirects are
 * not followed. What the services' clients share; each says what a failure means for it.
 */
export function boundedRequest(url: URL, options: BoundedRequestOptions): Promise<BoundedAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const { timeoutMs, maxBodyBytes, body } = options;
  return new Promise<BoundedAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: BoundedAnswer | BoundedRequestError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof BoundedRequestError) {
        req.destroy(); // a kept-alive socket goes back to its agent only after a whole answer
        reject(outcome);
      } else resolve(outcome);
    };
    const fail = (reason: string, connectError?: Error) =>
      finish(new BoundedRequestError(reason, connectError));
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          ...options.headers,
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) fail(`answered more than ${maxBodyBytes} bytes`);
          else chunks.push(chunk);
        });
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err: Error) => fail(`broke off its answer (${err.message})`));
      },
    );
    const timer = setTimeout(() => fail(`did not answer within ${timeoutMs / 1000} s`), timeoutMs);
    req.on('error', (err: Error & { code?: string }) =>
      fail(`could not be reached (${err.code ?? err.message})`, err),
    );
    req.end(body);
  });
}
