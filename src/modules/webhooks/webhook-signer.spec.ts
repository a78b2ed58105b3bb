import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  InvalidWebhookSecretError,
  signWebhook,
  verifyWebhookSignature,
  webhookSecretKey,
} from './webhook-signer.js';

// The published vector of the Standard Webhooks JS library (libraries/javascript/src/webhook.test.ts).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook signer (Standard Webhooks v1)', () => {
  it('reproduces the published test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR)).toBe(VECTOR.signature);
  });

  it('signs the same bytes whether the body is a string or a Buffer, and without the whsec_ prefix', () => {
    expect(signWebhook(VECTOR.secret, { ...VECTOR, body: Buffer.from(VECTOR.body) })).toBe(VECTOR.signature);
    expect(signWebhook(VECTOR.secret.slice('whsec_'.length), VECTOR)).toBe(VECTOR.signature);
  });

  it('agrees with the standardwebhooks package on fresh secrets and non-ASCII bodies', () => {
    for (let i = 0; i < 20; i++) {
      const secret = generateWebhookSecret(24 + i * 2);
      const body = JSON.stringify({ i, label: 'Facture n° 42 — réglée €', nested: { a: [1, 2, 3] } });
      // Recent timestamps: the package's verifier refuses those outside ±5 min of now.
      const timestamp = Math.floor(Date.now() / 1000) - i;
      const id = `evt_${i}`;
      const ours = signWebhook(secret, { id, timestamp, body });
      expect(ours).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
      // And the package's verifier (what a receiver would run) accepts our header.
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': ours };
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it('changes when any signed part changes (id, timestamp, one body byte, secret)', () => {
    const base = signWebhook(VECTOR.secret, VECTOR);
    expect(signWebhook(VECTOR.secret, { ...VECTOR, id: 'msg_other' })).not.toBe(base);
    expect(signWebhook(VECTOR.secret, { ...VECTOR, timestamp: VECTOR.timestamp + 1 })).not.toBe(base);
    expect(signWebhook(VECTOR.secret, { ...VECTOR, body: '{"test": 2432232315}' })).not.toBe(base);
    expect(signWebhook(generateWebhookSecret(), VECTOR)).not.toBe(base);
  });

  it('verifies a header holding several signatures (rotation) and rejects a tampered one', () => {
    const other = signWebhook(generateWebhookSecret(), VECTOR);
    expect(verifyWebhookSignature(VECTOR.secret, VECTOR, `${other} ${VECTOR.signature}`)).toBe(true);
    expect(verifyWebhookSignature(VECTOR.secret, VECTOR, other)).toBe(false);
    expect(verifyWebhookSignature(VECTOR.secret, VECTOR, VECTOR.signature.slice(0, -2) + 'A=')).toBe(false);
    expect(verifyWebhookSignature(VECTOR.secret, VECTOR, '')).toBe(false);
  });

  it('generates whsec_ secrets of 24–64 random bytes and refuses other sizes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(webhookSecretKey(generateWebhookSecret(24))).toHaveLength(24);
    expect(webhookSecretKey(generateWebhookSecret(64))).toHaveLength(64);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(() => generateWebhookSecret(23)).toThrow(InvalidWebhookSecretError);
    expect(() => generateWebhookSecret(65)).toThrow(InvalidWebhookSecretError);
  });

  it('refuses malformed secrets, ids containing "." and non-integer timestamps', () => {
    expect(() => signWebhook('whsec_', VECTOR)).toThrow(InvalidWebhookSecretError);
    expect(() => signWebhook('whsec_not base64!', VECTOR)).toThrow(InvalidWebhookSecretError);
    expect(() => signWebhook(VECTOR.secret, { ...VECTOR, id: 'a.b' })).toThrow();
    expect(() => signWebhook(VECTOR.secret, { ...VECTOR, id: '' })).toThrow();
    expect(() => signWebhook(VECTOR.secret, { ...VECTOR, timestamp: 1.5 })).toThrow();
    expect(() => signWebhook(VECTOR.secret, { ...VECTOR, timestamp: -1 })).toThrow();
  });
});
