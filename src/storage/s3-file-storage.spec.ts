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
