import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

const NO_PARAMS: Record<string, string> = Object.freeze({});

export type SignatureCheck = 'valid' | 'invalid' | 'expired';

/**
 * HMAC-SHA256 signatures for short-lived URLs to the API's own file endpoints. The signature covers the
 * method, the path, the expiry and every other query parameter, so none of them can be changed.
 */
export class UrlSigner {
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** Query string (without `?`) that opens `method path` until `ttlSeconds` from now. */
  sign(
    path: string,
    ttlSeconds: number,
    params: Record<string, string> = NO_PARAMS,
    method = 'GET',
  ): { query: string; expiresAt: Date } {
    const expires = String(Math.floor(this.now() / 1000) + ttlSeconds);
    const expiresAt = new Date(Number(expires) * 1000);
    if (params === NO_PARAMS) {
      // Lists sign a URL per row: this is `canonical()` and the general case below, without the objects.
      const signature = this.digest(`${method.toUpperCase()}\n${path}\nexpires=${expires}`);
      return { query: `expires=${expires}&signature=${signature}`, expiresAt };
    }
    const signed = { ...params, expires };
    const query = Object.entries({ ...signed, signature: this.mac(method, path, signed) })
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    return { query, expiresAt };
  }

  /** Checks a request's query (as Express parsed it): every parameter but `signature` is signed. */
  check(path: string, query: Record<string, unknown>, method = 'GET'): SignatureCheck {
    const { signature, ...rest } = query;
    const expires = rest.expires;
    if (typeof expires !== 'string' || typeof signature !== 'string') return 'invalid';
    if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return 'invalid';
    if (Object.values(rest).some((v) => typeof v !== 'string')) return 'invalid';
    const expected = Buffer.from(this.mac(method, path, rest as Record<string, string>), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
    return Number(expires) * 1000 > this.now() ? 'valid' : 'expired';
  }

  private mac(method: string, path: string, params: Record<string, string>): string {
    const canonical = Object.keys(params)
      .sort()
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`)
      .join('&');
    return this.digest(`${method.toUpperCase()}\n${path}\n${canonical}`);
  }

  private digest(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('hex');
  }
}
