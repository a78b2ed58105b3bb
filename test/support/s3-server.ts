import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_BUCKET = 'pieces-test';

/**
 * An S3-compatible server on 127.0.0.1 for the s3 driver's tests (s3rver: it serves presigned PUT/GET,
 * HEAD and lists, but does not verify signatures, so signature checks are the local driver's tests).
 */
export async function startS3Server(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
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
