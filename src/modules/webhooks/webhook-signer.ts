import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks v1 (symmetric) signing, pure: no I/O, no clock. Receivers verify with any
 * Standard Webhooks library (e.g. the `standardwebhooks` npm package), so the format must match
 * the spec byte for byte: `v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}` keyed with the
 * base64-decoded part of the `whsec_` secret.
 */

const SECRET_PREFIX = 'whsec_';
/** The spec allows 24–64 random bytes; 32 is the HMAC-SHA256 block-size sweet spot. */
export const WEBHOOK_SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

export class InvalidWebhookSecretError extends Error {
  constructor(reason: string) {
    super(`Invalid webhook secret: ${reason}`);
    this.name = 'InvalidWebhookSecretError';
  }
}

/** A new secret, `whsec_` + base64 of `bytes` random bytes. */
export function generateWebhookSecret(bytes: number = WEBHOOK_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new InvalidWebhookSecretError(`length must be ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes`);
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** The HMAC key: the base64-decoded part after `whsec_` (the prefix is optional, as in the spec libraries). */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from(…, 'base64') silently skips junk; a round-trip check refuses a mistyped secret instead.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new InvalidWebhookSecretError('not base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new InvalidWebhookSecretError('empty');
  return key;
}

export interface SignInput {
  /** The message id (webhook-id header); the spec forbids `.` in it since it delimits the signed content. */
  id: string;
  /** Unix seconds of the attempt (webhook-timestamp header). */
  timestamp: number;
  /** The exact body bytes sent. */
  body: string | Buffer;
}

/** The `webhook-signature` header value for one attempt. */
export function signWebhook(secret: string, input: SignInput): string {
  if (input.id.length === 0 || input.id.includes('.')) {
    throw new Error('webhook id must be non-empty and must not contain "."');
  }
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new Error('webhook timestamp must be integer unix seconds');
  }
  const hmac = createHmac('sha256', webhookSecretKey(secret));
  hmac.update(`${input.id}.${input.timestamp}.`);
  hmac.update(input.body);
  return `v1,${hmac.digest('base64')}`;
}

/**
 * Whether one of the space-separated `v1,…` signatures of a header matches, compared in constant time.
 * Used by our own tests and handy for callers; no timestamp tolerance here (the caller owns the clock).
 */
export function verifyWebhookSignature(secret: string, input: SignInput, header: string): boolean {
  const expected = Buffer.from(signWebhook(secret, input));
  return header
    .split(' ')
    .filter((candidate) => candidate.startsWith('v1,'))
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
