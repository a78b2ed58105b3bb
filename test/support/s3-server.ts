import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_BUCKET = 'pieces-test';

/**
 * s3rver encrypts its list continuation tokens with single DES, which OpenSSL 3 only has in its legacy
 * provider: every truncated listing answered 500. Triple DES with the key three times is single DES
 * (encrypt, decrypt, encrypt with one key), and is in the default provider.
 */
function letS3rverPageListings(): void {
  type Shimmed = typeof crypto.createCipheriv & { s3rverShim?: true };
  if ((crypto.createCipheriv as Shimmed).s3rverShim) return;
  const { createCipheriv, createDecipheriv } = crypto;
  const isDes = (algorithm: string, key: crypto.CipherKey): key is Buffer =>
    algorithm === 'des' && Buffer.isBuffer(key);
  const cipher: Shimmed = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    isDes(algorithm, key)
      ? createCipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv)
      : createCipheriv(algorithm, key, iv)) as Shimmed;
  cipher.s3rverShim = true;
  crypto.createCipheriv = cipher;
  crypto.createDecipheriv = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    isDes(algorithm, key)
      ? createDecipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv)
      : createDecipheriv(algorithm, key, iv)) as typeof createDecipheriv;
}

/**
 * An S3-compatible server on 127.0.0.1 for the s3 driver's tests (s3rver: it serves presigned PUT/GET,
 * HEAD and lists, but does not verify signatures, so signature checks are the local driver's tests).
 */
export async function startS3Server(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  letS3rverPageListings();
  const directory = mkdtempSync(join(tmpdir(), 'pieces-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const { port } = await server.run();
  return {
    env: {
      STORAGE_DRIVER: 's3',
      S3_BUCKET,
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
