import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { FileStorage } from '../../storage/file-storage.js';
import { allowedType, sniffType, SNIFF_BYTES } from '../uploads/upload-types.js';
import { fileTooLarge, fileTypeRefused } from './pay-to-upload.errors.js';

/** What the engine leaves on each of `req.files`: the file, stored under `key` and checked. */
export interface StoredPaidFile {
  uploadId: string;
  key: string;
  type: string;
  size: number;
  sha256: string;
}

export interface PaidFileTarget {
  newKey(fileName: string, type: string): { id: string; key: string };
  maxBytes: number;
}

type FileStream = Readable & { truncated?: boolean };

/**
 * A multer storage that streams a file straight to the file storage: its type is judged by its first
 * bytes before anything is written (a text file named .pdf is refused and never stored), its size is
 * bounded while it streams (multer's `fileSize` limit, which cuts the stream; a cut file is not kept),
 * and its sha256 is computed on the way. Memory stays at a few chunks whatever the file's size.
 */
export function paidFileStorage(storage: FileStorage, target: PaidFileTarget): StorageEngine {
  return {
    _handleFile(_req: Request, file: Express.Multer.File, callback) {
      store(storage, target, file).then(
        (stored) => callback(null, stored as Partial<Express.Multer.File>),
        (err: unknown) => callback(err as Error),
      );
    },
    _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredPaidFile>, callback) {
      if (!file.key) {
        callback(null);
        return;
      }
      storage.delete(file.key).then(
        () => callback(null),
        (err: unknown) => callback(err as Error),
      );
    },
  };
}

async function store(
  storage: FileStorage,
  target: PaidFileTarget,
  file: Express.Multer.File,
): Promise<StoredPaidFile> {
  const stream = file.stream as FileStream;
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headSize = 0;
  let ended = false;
  while (headSize < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headSize += next.value.length;
  }
  const first = Buffer.concat(head);
  const drain = async () => {
    while (!ended && !(await chunks.next()).done);
    ended = true;
  };
  if (stream.truncated) {
    await drain();
    throw fileTooLarge(target.maxBytes);
  }
  const sniffed = await sniffType(first.subarray(0, SNIFF_BYTES));
  const type = sniffed ? allowedType(sniffed) : null;
  if (!type) {
    await drain();
    throw fileTypeRefused();
  }
  const { id, key } = target.newKey(decodeFileName(file.originalname), type);
  const hash = createHash('sha256');
  let size = 0;
  async function* content(): AsyncGenerator<Buffer> {
    hash.update(first);
    size += first.length;
    yield first;
    while (!ended) {
      const next = await chunks.next();
      if (next.done) break;
      hash.update(next.value);
      size += next.value.length;
      yield next.value;
    }
    ended = true;
    // Cut at the limit by busboy: the put fails and leaves nothing.
    if (stream.truncated) throw fileTooLarge(target.maxBytes);
  }
  await storage.put(key, Readable.from(content()), { contentType: type });
  return { uploadId: id, key, type, size, sha256: hash.digest('hex') };
}

/** Browsers send UTF-8 file names that busboy reads as latin1. */
export function decodeFileName(name: string): string {
  const utf8 = Buffer.from(name, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? name : utf8;
}
