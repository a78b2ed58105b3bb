import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from '../common/files/content-disposition.js';
import type { AppConfig } from '../config/app-config.js';
import {
  assertSafeKey,
  FileStorage,
  StorageObjectNotFound,
  type ListedObject,
  type ObjectInfo,
  type ObjectStream,
  type PresignedPut,
  type PresignGetOptions,
  type StoredObject,
} from './file-storage.js';

/** STORAGE_DRIVER=s3's settings, as the configuration validated them. */
export type S3Settings = NonNullable<AppConfig['s3']>;

/** Any S3-compatible store (AWS S3, MinIO, R2, ...) through AWS SDK v3. */
export class S3FileStorage extends FileStorage {
  private readonly client: S3Client;
  /** Signs the URLs handed to clients, with the endpoint they can reach. */
  private readonly presigner: S3Client;
  private readonly bucket: string;

  constructor(private readonly settings: S3Settings) {
    super();
    this.bucket = settings.bucket;
    this.client = S3FileStorage.createClient(settings, settings.endpoint);
    this.presigner = settings.publicEndpoint
      ? S3FileStorage.createClient(settings, settings.publicEndpoint)
      : this.client;
  }

  private static createClient(settings: S3Settings, endpoint: string | undefined): S3Client {
    return new S3Client({
      region: settings.region,
      endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // Otherwise the SDK signs a CRC32 of an empty body into presigned PUT URLs, which then fail.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket when S3_CREATE_BUCKET asks for it (development stores such as MinIO). */
  async ensureBucket(): Promise<void> {
    if (!this.settings.createBucket) return;
    try {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      }
    } catch (e) {
      throw this.refusedAtBoot(e);
    }
  }

  /**
   * The SDK's own error for a store that refuses us is often `UnknownError` (a HEAD answer has no body
   * to name the fault): say what answered and which settings to check, in one line.
   */
  private refusedAtBoot(e: unknown): Error {
    const status = e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
    const where = `S3 bucket "${this.bucket}"${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ''}`;
    const what = status
      ? `answered HTTP ${status}`
      : `could not be reached (${e instanceof Error ? e.message : String(e)})`;
    const check =
      status === 401 || status === 403
        ? 'check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, and that they may use this bucket'
        : 'check S3_ENDPOINT, S3_REGION and S3_BUCKET';
    return new Error(`${where} ${what}: ${check}`, { cause: e });
  }

  async put(key: string, body: Buffer | Readable, options: { contentType: string }): Promise<StoredObject> {
    assertSafeKey(key);
    if (Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ContentLength: body.length,
        }),
      );
      return { size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
    }
    // A stream of unknown length: multipart upload in bounded parts, hashed on the way.
    const hash = createHash('sha256');
    let size = 0;
    const hashed = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    body.on('error', (e) => hashed.destroy(e));
    body.pipe(hashed);
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: hashed, ContentType: options.contentType },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    }).done();
    return { size, sha256: hash.digest('hex') };
  }

  /** CopyObject: the store copies (up to 5 GiB, far above the upload limit), keeping the content type. */
  async copy(source: string, target: string): Promise<void> {
    assertSafeKey(source);
    assertSafeKey(target);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: target,
          CopySource: encodeURI(`${this.bucket}/${source}`),
        }),
      );
    } catch (e) {
      if (isNotFound(e)) throw new StorageObjectNotFound(source);
      throw e;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<ObjectStream> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('S3 answered without a stream body');
      return { stream: out.Body, size: out.ContentLength ?? 0 };
    } catch (e) {
      if (isNotFound(e)) throw new StorageObjectNotFound(key);
      throw e;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0) };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Each page starts after the last key of the one before (StartAfter rather than a continuation token:
   * the same listing, and it works on stores whose tokens do not, such as s3rver on OpenSSL 3).
   */
  async *listPages(prefix: string, pageSize: number): AsyncIterable<ListedObject[]> {
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: pageSize,
          StartAfter: startAfter,
        }),
      );
      const objects: ListedObject[] = [];
      for (const item of page.Contents ?? []) {
        if (item.Key) objects.push({ key: item.Key, lastModified: item.LastModified ?? new Date(0) });
      }
      if (objects.length > 0) yield objects;
      if (!page.IsTruncated || objects.length === 0) return;
      startAfter = objects[objects.length - 1].key;
    }
  }

  async presignPut(
    key: string,
    options: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    assertSafeKey(key);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.size,
    });
    const url = await getSignedUrl(this.presigner, command, {
      expiresIn: options.expiresInSeconds,
      // Signed, so the store refuses any other size or type.
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': options.contentType, 'Content-Length': String(options.size) },
      expiresInSeconds: options.expiresInSeconds,
    };
  }

  presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertSafeKey(key);
    return getSignedUrl(
      this.presigner,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: contentDisposition(options.disposition, options.fileName),
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }

  async checkWritable(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  destroy(): void {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }
}

function isNotFound(e: unknown): boolean {
  return (
    e instanceof NoSuchKey ||
    e instanceof NotFound ||
    (e instanceof S3ServiceException && (e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchBucket'))
  );
}
