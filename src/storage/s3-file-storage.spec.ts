import { S3FileStorage, type S3Settings } from './s3-file-storage.js';

const settings: S3Settings = {
  bucket: 'pieces',
  region: 'eu-west-3',
  endpoint: 'http://minio:9000',
  publicEndpoint: 'https://files.example.com',
  forcePathStyle: true,
  accessKeyId: 'id',
  secretAccessKey: 'secret',
  createBucket: false,
};

describe('S3FileStorage presigning (no network)', () => {
  const storage = new S3FileStorage(settings);
  afterAll(() => storage.destroy());

  it('signs PUT URLs for the public endpoint, binding size and type, without a checksum of an empty body', async () => {
    const put = await storage.presignPut('uploads/o/u/facture.pdf', {
      contentType: 'application/pdf',
      size: 1234,
      expiresInSeconds: 900,
    });
    const url = new URL(put.url);
    expect(url.origin).toBe('https://files.example.com');
    expect(url.pathname).toBe('/pieces/uploads/o/u/facture.pdf');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    expect(put.url).not.toMatch(/x-amz-checksum-crc32/i);
    expect(put.headers).toEqual({ 'Content-Type': 'application/pdf', 'Content-Length': '1234' });
  });

  it('signs GET URLs that set the served type and an RFC 6266 disposition', async () => {
    const url = new URL(
      await storage.presignGet('uploads/o/u/facture.pdf', {
        expiresInSeconds: 300,
        fileName: 'Facture n°42.pdf',
        contentType: 'application/pdf',
        disposition: 'inline',
      }),
    );
    expect(url.origin).toBe('https://files.example.com');
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toContain(
      "filename*=UTF-8''Facture%20n%C2%B042.pdf",
    );
  });

  it('refuses unsafe keys', async () => {
    await expect(
      storage.presignPut('../etc/passwd', { contentType: 'application/pdf', size: 1, expiresInSeconds: 60 }),
    ).rejects.toThrow(/Unsafe storage key/);
  });
});

describe('S3FileStorage at boot: a store that refuses us is said in one line', () => {
  /** A store on 127.0.0.1 that answers every request with `status` and no body, as S3 answers a HEAD. */
  async function refusingStore(status: number): Promise<{ endpoint: string; close: () => void }> {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  it('names the status and the credential settings on 403', async () => {
    const store = await refusingStore(403);
    const storage = new S3FileStorage({ ...settings, endpoint: store.endpoint, createBucket: true });
    try {
      await expect(storage.ensureBucket()).rejects.toThrow(
        `S3 bucket "pieces" at ${store.endpoint} answered HTTP 403: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, and that they may use this bucket`,
      );
    } finally {
      storage.destroy();
      store.close();
    }
  });

  it('names the address settings when nothing answers', async () => {
    const store = await refusingStore(200);
    store.close();
    const storage = new S3FileStorage({ ...settings, endpoint: store.endpoint, createBucket: true });
    try {
      await expect(storage.ensureBucket()).rejects.toThrow(
        /^S3 bucket "pieces" at http:\/\/127\.0\.0\.1:\d+ could not be reached \(.+\): check S3_ENDPOINT, S3_REGION and S3_BUCKET$/,
      );
    } finally {
      storage.destroy();
    }
  });
});
