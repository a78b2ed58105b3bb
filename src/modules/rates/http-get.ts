import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** More than any ticker answer for a few markets; a bigger body is not a ticker. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * GET `url` and return its body as text when the status is 200. The whole exchange — connect, headers,
 * body — must end within `timeoutMs`; redirects are not followed. Rejects with a short English reason.
 */
export function httpGetText(url: URL, timeoutMs: number): Promise<string> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (error: string | undefined, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (error === undefined) resolve(body ?? '');
      else reject(new Error(error));
    };
    const req = send(
      url,
      { method: 'GET', headers: { accept: 'application/json' } },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          finish(`answered HTTP ${res.statusCode ?? '?'}`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) finish(`answered more than ${MAX_BODY_BYTES} bytes`);
          else chunks.push(chunk);
        });
        res.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (err: Error) => finish(`broke off its answer (${err.message})`));
      },
    );
    const timer = setTimeout(() => finish(`did not answer within ${timeoutMs / 1000} s`), timeoutMs);
    req.on('error', (err: Error & { code?: string }) =>
      finish(`could not be reached (${err.code ?? err.message})`),
    );
    req.end();
  });
}
