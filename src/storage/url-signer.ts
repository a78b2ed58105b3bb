import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'invalid' | 'expired';

/**
 * HMAC-SHA256 signatures for short-lived URLs to the API's own file endpoints: the signature covers the
 * path and the expiry, so neither can be changed.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Query string (without `?`) that makes `path` readable until `ttlSeconds` from now. */
  sign(path: string, ttlSeconds: number): { query: string; expiresAt: Date } {
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    return {
      query: `expires=${expires}&signature=${this.mac(path, expires)}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  check(path: string, expires: unknown, signature: unknown): SignatureCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string') return 'invalid';
    if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return 'invalid';
    const expected = Buffer.from(this.mac(path, Number(expires)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
    return Number(expires) * 1000 > this.now() ? 'valid' : 'expired';
  }

  private mac(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex');
  }
}
