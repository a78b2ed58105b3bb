import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'pk_';

/** A new API key: 256 random bits, shown to its owner once. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What may be shown of a key later: enough to recognise it, useless to an attacker. */
export function displayPrefix(key: string): string {
  return key.slice(0, 11);
}
