import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  createWriteStream,
  open as openCallback,
  write,
} from 'node:fs';
import { link, mkdir, open, opendir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeKey,
  FileStorage,
  isSafeKey,
  StorageObjectNotFound,
  type ListedObject,
  type ObjectInfo,
  type ObjectStream,
  type PresignedPut,
  type PresignGetOptions,
  type StoredObject,
} from './file-storage.js';
import type { UrlSigner } from './url-signer.js';

/** Path of the API's own signed endpoints that stand in for an object store's presigned URLs. */
export const LOCAL_OBJECTS_PATH = '/storage/objects';

// fs's callback API on file descriptors: lighter than FileHandle's promises, and close can be synchronous.
const openFd = promisify(openCallback);
const writeAt = promisify(
  (fd: number, buffer: Buffer, offset: number, done: (e: Error | null, written: number) => void) =>
    write(fd, buffer, offset, buffer.length - offset, null, done),
);

/** A new file (never an existing one) whose writes are on disk when they return. */
const CREATE_DURABLE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_SYNC;

export class ObjectAlreadyExists extends Error {}
export class ObjectSizeMismatch extends Error {}

/**
 * Files under one directory on local disk. A buffer is written to its own name, created exclusively, with
 * O_SYNC; a stream to a temporary name, fsynced, then renamed. Presigned URLs point at the API's own
 * HMAC-signed endpoints (local-objects.controller.ts).
 */
export class LocalFileStorage extends FileStorage {
  constructor(
    private readonly root: string,
    private readonly signer: UrlSigner,
    private readonly publicUrl: string,
  ) {
    super();
  }

  async put(key: string, body: Buffer | Readable, _options: { contentType: string }): Promise<StoredObject> {
    if (!Buffer.isBuffer(body)) return this.write(key, body, { exclusive: false });
    // A buffer (a receipt, ≤ 1 MiB) goes straight to its own name, created exclusively and written with
    // O_SYNC, then closed at once (closing a written file does no I/O): two trips to the thread pool
    // where a temporary name, fsync and rename took five. Each trip costs the event loop ~30 µs and waits
    // its turn on it (POST /invoice went from 412–476 to 467–532 receipts/s in `npm run bench`). Nothing
    // reads the key before put resolves, and a failed write removes the file.
    const path = this.pathOf(key);
    await this.ensureDirectory(dirname(path));
    const fd = await openFd(path, CREATE_DURABLE, 0o640);
    try {
      for (let offset = 0; offset < body.length;) {
        const written = await writeAt(fd, body, offset);
        if (written === 0) throw new Error(`nothing written to ${key} at byte ${offset}`);
        offset += written;
      }
    } catch (e) {
      closeSync(fd);
      await rm(path, { force: true });
      throw e;
    }
    closeSync(fd);
    return { size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }

  /**
   * What a signed PUT does: streams the body to `key` with constant memory, refuses more or fewer than
   * `size` bytes, and never replaces an object that exists (a URL cannot be used twice).
   */
  receive(key: string, body: Readable, size: number): Promise<StoredObject> {
    return this.write(key, body, { exclusive: true, size });
  }

  /**
   * A hard link, then a fresh mtime: no bytes copied, and still a snapshot because this driver never
   * writes into an existing file (a put or a signed PUT makes a new file and links or renames it to its
   * name), so whatever later lands at `source` is another file. The fresh mtime keeps the orphan
   * collector, which spares only recent unnamed files, off the copy until its row names it.
   */
  async copy(source: string, target: string): Promise<void> {
    const from = this.pathOf(source);
    const to = this.pathOf(target);
    const dir = dirname(to);
    await this.ensureDirectory(dir);
    try {
      await link(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StorageObjectNotFound(source);
      if (code === 'EEXIST') throw new ObjectAlreadyExists(target);
      throw e;
    }
    const now = new Date();
    await utimes(to, now, now);
    // The row that names the copy is committed next: its name must survive a crash of the machine.
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<ObjectStream> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new StorageObjectNotFound(key);
      if (range) {
        const end = Math.min(range.end, info.size - 1);
        return {
          stream: createReadStream(path, { start: range.start, end }),
          size: Math.max(0, end - range.start + 1),
        };
      }
      return { stream: createReadStream(path), size: info.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageObjectNotFound(key);
      throw e;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size, lastModified: info.mtime } : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /**
   * Walks the directories with opendir (entries read a few at a time, never a whole directory at once),
   * depth first. Temporary `.partial` files are listed too: one left by a write that died is an object
   * no row names, and goes with the other orphans once old enough.
   */
  async *listPages(prefix: string, pageSize: number): AsyncIterable<ListedObject[]> {
    let page: ListedObject[] = [];
    for await (const object of this.walk(join(this.root, prefix))) {
      page.push(object);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  private async *walk(dir: string): AsyncGenerator<ListedObject> {
    let entries;
    try {
      entries = await opendir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for await (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path);
      } else if (entry.isFile()) {
        const key = relative(this.root, path).split(sep).join('/');
        const info = await stat(path).catch(() => null); // deleted meanwhile: nothing to list
        if (info && isSafeKey(key)) yield { key, lastModified: info.mtime };
      }
    }
  }

  presignPut(
    key: string,
    options: { contentType: string; size: number; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    assertSafeKey(key);
    const path = `${LOCAL_OBJECTS_PATH}/${key}`;
    const { query } = this.signer.sign(
      path,
      options.expiresInSeconds,
      { size: String(options.size), type: options.contentType, nonce: randomBytes(16).toString('hex') },
      'PUT',
    );
    return Promise.resolve({
      url: `${this.publicUrl}${path}?${query}`,
      method: 'PUT',
      headers: { 'Content-Type': options.contentType, 'Content-Length': String(options.size) },
      expiresInSeconds: options.expiresInSeconds,
    });
  }

  presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertSafeKey(key);
    const path = `${LOCAL_OBJECTS_PATH}/${key}`;
    const { query } = this.signer.sign(path, options.expiresInSeconds, {
      name: options.fileName,
      type: options.contentType,
      disposition: options.disposition,
    });
    return Promise.resolve(`${this.publicUrl}${path}?${query}`);
  }

  async checkWritable(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const probe = join(this.root, `.ready-${randomBytes(6).toString('hex')}`);
    const file = await open(probe, 'wx');
    await file.close();
    await unlink(probe);
  }

  private async write(
    key: string,
    source: Readable,
    rule: { exclusive: boolean; size?: number },
  ): Promise<StoredObject> {
    const path = this.pathOf(key);
    await this.ensureDirectory(dirname(path));
    if (rule.exclusive && (await this.stat(key))) throw new ObjectAlreadyExists(key);
    const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
    const hash = createHash('sha256');
    let size = 0;
    try {
      const measure = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (rule.size !== undefined && size > rule.size) {
            done(new ObjectSizeMismatch(`more than the ${rule.size} bytes announced`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(source, measure, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      if (rule.size !== undefined && size !== rule.size) {
        throw new ObjectSizeMismatch(`${size} bytes received, ${rule.size} announced`);
      }
      // On disk before it gets its final name: a crash never leaves a row pointing at a lost file.
      const file = await open(temp, 'r+');
      try {
        await file.sync();
      } finally {
        await file.close();
      }
      if (rule.exclusive) {
        // link() fails if the name exists: of two racing uploads to one key, exactly one wins.
        try {
          await link(temp, path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectAlreadyExists(key);
          throw e;
        }
        await rm(temp, { force: true });
      } else {
        await rename(temp, path);
      }
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return { size, sha256: hash.digest('hex') };
  }

  private readonly directories = new Set<string>();

  /** mkdir -p, once per directory for the life of the process (directories are never removed). */
  private async ensureDirectory(dir: string): Promise<void> {
    if (this.directories.has(dir)) return;
    await mkdir(dir, { recursive: true });
    if (this.directories.size > 10_000) this.directories.clear();
    this.directories.add(dir);
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }
}
