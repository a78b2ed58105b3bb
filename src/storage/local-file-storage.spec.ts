import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { StorageObjectNotFound } from './file-storage.js';
import { LocalFileStorage, ObjectAlreadyExists } from './local-file-storage.js';
import { UrlSigner } from './url-signer.js';

describe('LocalFileStorage', () => {
  let root: string;
  let storage: LocalFileStorage;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-storage-'));
    storage = new LocalFileStorage(root, new UrlSigner('test-secret-with-at-least-32-chars!'), 'http://x');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const pdf = { contentType: 'application/pdf' };

  it('puts a buffer under its key, with its size and SHA-256, and reads it back whole or by range', async () => {
    const body = Buffer.from('%PDF-1.4 a receipt');
    expect(await storage.put('invoices/a-1.pdf', body, pdf)).toEqual({
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(readFileSync(join(root, 'invoices', 'a-1.pdf'))).toEqual(body);
    expect(await text((await storage.read('invoices/a-1.pdf')).stream)).toBe('%PDF-1.4 a receipt');
    expect(await text((await storage.read('invoices/a-1.pdf', { start: 1, end: 3 })).stream)).toBe('PDF');
    expect(await storage.stat('invoices/a-1.pdf')).toMatchObject({ size: body.length });
  });

  it('never replaces an existing object through put, and leaves it as it was', async () => {
    await storage.put('invoices/a-1.pdf', Buffer.from('first'), pdf);
    await expect(storage.put('invoices/a-1.pdf', Buffer.from('second'), pdf)).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(readFileSync(join(root, 'invoices', 'a-1.pdf'), 'utf8')).toBe('first');
  });

  it('puts a stream through a temporary name, which it never leaves behind', async () => {
    const stored = await storage.put(
      'uploads/x/b.pdf',
      Readable.from([Buffer.from('ab'), Buffer.from('c')]),
      pdf,
    );
    expect(stored.size).toBe(3);
    expect(readdirSync(join(root, 'uploads', 'x'))).toEqual(['b.pdf']);
  });

  it('receives a signed upload once: a second one to the same key is refused', async () => {
    await storage.receive('uploads/x/c.pdf', Readable.from([Buffer.from('y')]), 1);
    await expect(
      storage.receive('uploads/x/c.pdf', Readable.from([Buffer.from('z')]), 1),
    ).rejects.toBeInstanceOf(ObjectAlreadyExists);
    expect(await text((await storage.read('uploads/x/c.pdf')).stream)).toBe('y');
  });

  it('copies to a new key that keeps its bytes whatever is later written at the source, with a fresh time', async () => {
    await storage.receive('uploads/x/e.pdf', Readable.from([Buffer.from('checked')]), 7);
    const old = new Date(Date.now() - 3 * 3600 * 1000);
    utimesSync(join(root, 'uploads', 'x', 'e.pdf'), old, old);
    await storage.copy('uploads/x/e.pdf', 'uploads/x/k/e.pdf');
    expect((await storage.stat('uploads/x/k/e.pdf'))!.lastModified.getTime()).toBeGreaterThan(
      Date.now() - 60_000,
    );
    // Every way this driver writes a key makes a new file: the copy never sees it.
    await storage.put('uploads/x/e.pdf', Readable.from([Buffer.from('forged!')]), pdf);
    await storage.delete('uploads/x/e.pdf');
    await storage.receive('uploads/x/e.pdf', Readable.from([Buffer.from('FORGED!')]), 7);
    expect(await text((await storage.read('uploads/x/k/e.pdf')).stream)).toBe('checked');
    await expect(storage.copy('uploads/x/e.pdf', 'uploads/x/k/e.pdf')).rejects.toBeInstanceOf(
      ObjectAlreadyExists,
    );
    await expect(storage.copy('uploads/x/none.pdf', 'uploads/x/k/none.pdf')).rejects.toBeInstanceOf(
      StorageObjectNotFound,
    );
  });

  it('deletes, and then answers as for a key that never existed', async () => {
    await storage.put('invoices/d.pdf', Buffer.from('d'), pdf);
    await storage.delete('invoices/d.pdf');
    await storage.delete('invoices/d.pdf');
    expect(await storage.stat('invoices/d.pdf')).toBeNull();
    await expect(storage.read('invoices/d.pdf')).rejects.toBeInstanceOf(StorageObjectNotFound);
  });

  it('lists every file under a prefix in pages of at most the size asked, leftover .partial files too', async () => {
    for (let i = 0; i < 5; i++) await storage.put(`uploads/o/${i}/f.pdf`, Buffer.from('x'), pdf);
    writeFileSync(join(root, 'uploads', 'o', '0', 'f.pdf.0a1b2c.partial'), 'half');
    await storage.put('invoices/elsewhere.pdf', Buffer.from('x'), pdf);
    const pages: string[][] = [];
    for await (const page of storage.listPages('uploads/', 2)) pages.push(page.map((o) => o.key));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(pages.flat().sort()).toEqual([
      'uploads/o/0/f.pdf',
      'uploads/o/0/f.pdf.0a1b2c.partial',
      'uploads/o/1/f.pdf',
      'uploads/o/2/f.pdf',
      'uploads/o/3/f.pdf',
      'uploads/o/4/f.pdf',
    ]);
    const empty: unknown[] = [];
    for await (const page of storage.listPages('nothing-here/', 2)) empty.push(page);
    expect(empty).toEqual([]);
  });
});
