import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** What the delivery log keeps of a response body. */
export const RESPONSE_BODY_KEPT_BYTES = 4096;

export interface SendOutcome {
  /** The HTTP status, or null when no response came (refused address, connection error, timeout). */
  statusCode: number | null;
  /** The first 4 KB of the response body, as UTF-8 text. */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** The response's Retry-After header, as sent (a 429 or 503 receiver asking us to wait). */
  retryAfter?: string | null;
}

/**
 * One POST of an exact body. Redirects are never followed (node:http does not), the connection goes
 * through `lookup` (the SSRF guard), and the whole exchange — connect, headers, body — must end within
 * `timeoutMs`. Never throws: every failure is an outcome to log.
 */
export function sendWebhook(request: {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  lookup: LookupFunction;
}): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const https = request.url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ lookup: request.lookup, keepAlive: false })
    : new HttpAgent({ lookup: request.lookup, keepAlive: false });
  const send = https ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<SendOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      agent.destroy();
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = send(
      request.url,
      {
        method: 'POST',
        agent,
        headers: { ...request.headers, 'content-length': String(request.body.length) },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_BODY_KEPT_BYTES) {
            const part = chunk.subarray(0, RESPONSE_BODY_KEPT_BYTES - kept);
            chunks.push(part);
            kept += part.length;
          }
          // Past what is kept, the rest is not worth waiting for: the status is known.
          if (kept >= RESPONSE_BODY_KEPT_BYTES) done();
        });
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            responseBody: Buffer.concat(chunks).toString('utf8'),
            error: null,
            retryAfter: res.headers['retry-after'] ?? null,
          });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(
      () =>
        finish({ statusCode: null, responseBody: null, error: `no response within ${request.timeoutMs} ms` }),
      request.timeoutMs,
    );
    req.on('error', (err: Error) => finish({ statusCode: null, responseBody: null, error: err.message }));
    req.end(request.body);
  });
}
