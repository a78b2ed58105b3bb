import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { UploadExpiryService } from '../../src/modules/uploads/upload-expiry.service.js';
import { UPLOADS_EXPIRE_JOB } from '../../src/modules/uploads/uploads.module.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { OrphanCollector } from '../../src/storage/orphan-collector.js';
import { SignedUrlUses } from '../../src/storage/signed-url-uses.js';
import { UrlSigner } from '../../src/storage/url-signer.js';
import { EXE, PDF, PNG, pngOfSize } from '../fixtures/files.js';
import { startS3Server } from '../support/s3-server.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

const SEED_UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * PUTs `size` bytes (a PDF header, then spaces) to `url` from a child node process, with backpressure;
 * resolves with the HTTP status and the sha256 of what was sent.
 */
function putFromChildProcess(url: string, size: number): Promise<{ status: number; sha256: string }> {
  const script = `
    const http = require('node:http');
    const { createHash } = require('node:crypto');
    const [url, size] = [process.argv[1], Number(process.argv[2])];
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const head = Buffer.from('%PDF-1.4\\n');
    const hash = createHash('sha256');
    const req = http.request(url, { method: 'PUT', headers: { 'Content-Type': 'application/pdf', 'Content-Length': size } },
      (res) => { res.resume(); res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, sha256: hash.digest('hex') }))); });
    let sent = 0;
    const write = () => {
      while (sent < size) {
        const part = sent === 0 ? Buffer.concat([head, chunk.subarray(head.length)]) : chunk;
        const piece = part.subarray(0, Math.min(part.length, size - sent));
        sent += piece.length;
        hash.update(piece);
        if (!req.write(piece)) return req.once('drain', write);
      }
      req.end();
    };
    write();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, url, String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { status: number; sha256: string })
        : reject(new Error(`client exited ${code}`)),
    );
  });
}

interface Presigned {
  uploadId: string;
  method: string;
  url: string;
  expiresInSeconds: number;
  maxSize: number;
  allowedTypes: string[];
  s3Key: string;
}

describe.each(['local', 's3'] as const)('seed 001 invoice uploads, %s driver', (driver) => {
  let t: TestApp;
  let org: TestOrganization;
  let stopS3: (() => Promise<void>) | undefined;
  const auth = () => ({ Authorization: `Bearer ${org.key}` });
  const storage = () => t.app.get(FileStorage);

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (driver === 's3') {
      const s3 = await startS3Server();
      env = s3.env;
      stopS3 = s3.stop;
    }
    t = await createTestApp(env, { listen: true });
  });
  afterAll(async () => {
    await t.close();
    await stopS3?.();
  });
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  async function presign(body: object = {}): Promise<Presigned> {
    const res = await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set(auth())
      .send({ filename: 'Facture n°42.pdf', mimeType: 'application/pdf', size: PDF.length, ...body })
      .expect(200);
    return res.body as Presigned;
  }

  /** What curl -X PUT -H 'Content-Type: …' --data-binary @file does. */
  function put(url: string, body: Buffer, contentType = 'application/pdf') {
    return fetch(url, { method: 'PUT', body, headers: { 'Content-Type': contentType } });
  }

  const confirm = (uploadId: string, hash: string) =>
    t.http().post(`/api/v1/invoice-uploads/${uploadId}/confirm`).set(auth()).send({ sha256: hash });

  async function uploaded(content: Buffer = PDF, type = 'application/pdf', filename = 'facture.pdf') {
    const p = await presign({ size: content.length, mimeType: type, filename });
    expect((await put(p.url, content, type)).status).toBe(200);
    await confirm(p.uploadId, sha256(content)).expect(200);
    return p;
  }

  /** Where the upload's file is now: the presign's s3Key until confirm, then the copy that was checked. */
  async function storedKey(uploadId: string): Promise<string> {
    const rows: { s3_key: string }[] = await t.app
      .get(DataSource)
      .query('SELECT s3_key FROM invoice_uploads WHERE id = $1', [uploadId]);
    expect(rows).toHaveLength(1);
    return rows[0].s3_key;
  }

  async function paymentRequest(o: TestOrganization = org): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/payment-requests')
      .set('Authorization', `Bearer ${o.key}`)
      .send({ amount: '120.00', currency: 'EUR', description: 'Facture 42' })
      .expect(201);
    return res.body.id as string;
  }

  it('presign → PUT → confirm → preview → attach → invoice URL, with the seed shapes', async () => {
    const p = await presign();
    expect(p).toEqual({
      uploadId: expect.stringMatching(SEED_UUID),
      method: 'PUT',
      url: expect.stringMatching(/^https?:\/\//),
      expiresInSeconds: expect.any(Number),
      maxSize: 104857600,
      allowedTypes: ['application/pdf', 'image/jpeg', 'image/png'],
      s3Key: expect.stringMatching(new RegExp(`^uploads/${org.id}/${p.uploadId}/Facture-n-42\\.pdf$`)),
    });

    expect((await put(p.url, PDF)).status).toBe(200);
    const confirmed = await confirm(p.uploadId, sha256(PDF)).expect(200);
    expect(confirmed.body).toEqual({ message: 'Upload confirmed' });
    const again = await confirm(p.uploadId, sha256(PDF).toUpperCase()).expect(200);
    expect(again.body).toEqual({ message: 'Upload already confirmed' });

    const preview = await t
      .http()
      .get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`)
      .set(auth())
      .expect(200);
    expect(preview.body).toEqual({
      url: expect.stringMatching(/^https?:\/\//),
      expiresInSeconds: expect.any(Number),
      filename: 'Facture n°42.pdf',
      mimeType: 'application/pdf',
    });
    const file = await fetch(preview.body.url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PDF);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''Facture%20n%C2%B042.pdf");

    const pr = await paymentRequest();
    const attached = await t
      .http()
      .post(`/api/v1/invoice-uploads/${p.uploadId}/attach/${pr}`)
      .set(auth())
      .expect(200);
    expect(attached.body).toEqual({ message: expect.any(String) });
    const url = await t.http().get(`/api/v1/${pr}/invoice/url`).set(auth()).expect(200);
    expect(url.body).toMatchObject({ filename: 'Facture n°42.pdf', mimeType: 'application/pdf' });
    expect(Buffer.from(await (await fetch(url.body.url)).arrayBuffer())).toEqual(PDF);
    const shown = await t.http().get(`/api/v1/payment-requests/${pr}`).set(auth()).expect(200);
    expect(shown.body.invoice).toMatchObject({
      uploadId: p.uploadId,
      filename: 'Facture n°42.pdf',
      size: PDF.length,
    });

    const refused = await t.http().delete(`/api/v1/invoice-uploads/${p.uploadId}`).set(auth()).expect(409);
    expect(refused.body.code).toBe('UPLOAD_ATTACHED');
  });

  it('attaches through the payment request path too, and a new invoice replaces the old one', async () => {
    const pr = await paymentRequest();
    const first = await uploaded();
    await t.http().post(`/api/v1/${pr}/invoice/attach/${first.uploadId}`).set(auth()).expect(200);
    const second = await uploaded(PNG, 'image/png', 'scan.png');
    await t.http().post(`/api/v1/${pr}/invoice/attach/${second.uploadId}`).set(auth()).expect(200);
    const url = await t.http().get(`/api/v1/${pr}/invoice/url`).set(auth()).expect(200);
    expect(url.body).toMatchObject({ filename: 'scan.png', mimeType: 'image/png' });
    // The replaced upload is temporary again: it may be deleted.
    await t.http().delete(`/api/v1/invoice-uploads/${first.uploadId}`).set(auth()).expect(204);
    // Attaching the same upload twice to the same request is harmless; to another request it is not.
    await t.http().post(`/api/v1/${pr}/invoice/attach/${second.uploadId}`).set(auth()).expect(200);
    const other = await paymentRequest();
    const moved = await t
      .http()
      .post(`/api/v1/${other}/invoice/attach/${second.uploadId}`)
      .set(auth())
      .expect(409);
    expect(moved.body.code).toBe('UPLOAD_ATTACHED');
  });

  it('attaches one upload to one of two requests racing for it, and a cancelled request takes none', async () => {
    const upload = await uploaded();
    const [one, two] = [await paymentRequest(), await paymentRequest()];
    const answers = await Promise.all(
      [one, two].map((pr) => t.http().post(`/api/v1/${pr}/invoice/attach/${upload.uploadId}`).set(auth())),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = answers[0].status === 200 ? one : two;
    const loser = winner === one ? two : one;
    expect((await t.http().get(`/api/v1/payment-requests/${winner}`).set(auth())).body.invoice).toMatchObject(
      {
        uploadId: upload.uploadId,
      },
    );
    expect((await t.http().get(`/api/v1/payment-requests/${loser}`).set(auth())).body.invoice).toBeNull();

    const cancelled = await paymentRequest();
    await t.http().post(`/api/v1/payment-requests/${cancelled}/cancel`).set(auth()).expect(200);
    const other = await uploaded();
    const refused = await t
      .http()
      .post(`/api/v1/invoice-uploads/${other.uploadId}/attach/${cancelled}`)
      .set(auth())
      .expect(409);
    expect(refused.body.code).toBe('PAYMENT_REQUEST_NOT_EDITABLE');
    // Refused, the upload is left as it was: still temporary, so it may be deleted.
    await t.http().delete(`/api/v1/invoice-uploads/${other.uploadId}`).set(auth()).expect(204);
  });

  /** The same length and type as PDF, other bytes: what someone holding the URL would send instead. */
  const FORGED = Buffer.from(
    PDF.toString('latin1').replace('MediaBox[0 0 72 72]', 'MediaBox[0 0 99 99]'),
    'latin1',
  );

  async function download(url: string): Promise<string> {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return sha256(Buffer.from(await res.arrayBuffer()));
  }

  it('serves exactly the confirmed bytes after someone PUTs other bytes to the same URL', async () => {
    expect(FORGED.length).toBe(PDF.length);
    expect(sha256(FORGED)).not.toBe(sha256(PDF));
    const p = await presign();
    expect((await put(p.url, PDF)).status).toBe(200);
    await confirm(p.uploadId, sha256(PDF)).expect(200);
    // The checked file lives under a key of its own, and the key the URL writes to is gone.
    const key = await storedKey(p.uploadId);
    expect(key).not.toBe(p.s3Key);
    expect(key.startsWith(`uploads/${org.id}/${p.uploadId}/`)).toBe(true);
    expect(await storage().stat(p.s3Key)).toBeNull();

    const again = await put(p.url, FORGED);
    if (driver === 'local') {
      // The local driver's signed PUT works once.
      expect(again.status).toBe(403);
      expect(((await again.json()) as { code: string }).code).toBe('URL_ALREADY_USED');
    } else {
      // An S3 presigned PUT stays valid until it expires: the store takes the bytes, the API must not serve them.
      expect(again.status).toBe(200);
    }

    const preview = await t
      .http()
      .get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`)
      .set(auth())
      .expect(200);
    expect(await download(preview.body.url as string)).toBe(sha256(PDF));
    // Confirming again with the forged bytes' hash is refused: the upload is what was checked.
    expect((await confirm(p.uploadId, sha256(FORGED)).expect(422)).body.code).toBe('CHECKSUM_MISMATCH');

    const pr = await paymentRequest();
    await t.http().post(`/api/v1/${pr}/invoice/attach/${p.uploadId}`).set(auth()).expect(200);
    expect((await put(p.url, FORGED)).status).toBe(driver === 'local' ? 403 : 200);
    const invoice = await t.http().get(`/api/v1/${pr}/invoice/url`).set(auth()).expect(200);
    expect(await download(invoice.body.url as string)).toBe(sha256(PDF));
    expect(await storedKey(p.uploadId)).toBe(key);
  });

  it('makes a receipt of the confirmed bytes, not of what was PUT to the URL afterwards', async () => {
    const p = await presign();
    await put(p.url, PDF);
    await confirm(p.uploadId, sha256(PDF)).expect(200);
    await put(p.url, FORGED);
    const res = await t
      .http()
      .post('/invoice')
      .set(auth())
      .send({
        label: 'Achat',
        type: 'frais',
        amount: '10',
        amount_with_vat: '12',
        reference: 'REF-IMMUTABLE',
        operation_date: '2021-06-18 20:21:00',
        receipt_upload_id: p.uploadId,
      })
      .expect(201);
    const file = await t.http().get(res.body.receipt_path).set(auth()).buffer(true).expect(200);
    expect(sha256(file.body as Buffer)).toBe(sha256(PDF));
  });

  it('never confirms bytes other than those it hashed when a PUT races the confirm', async () => {
    // The forged PUT starts a little later each round, so that it lands before, during and after the
    // confirm's copy and hash.
    for (let delay = 0; delay <= 60; delay += 6) {
      const p = await presign();
      await put(p.url, PDF);
      const forged = new Promise((resolve) => setTimeout(resolve, delay)).then(() => put(p.url, FORGED));
      const [confirmed] = await Promise.all([confirm(p.uploadId, sha256(PDF)), forged]);
      if (confirmed.status === 200) {
        const preview = await t
          .http()
          .get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`)
          .set(auth())
          .expect(200);
        expect(await download(preview.body.url as string)).toBe(sha256(PDF));
      } else {
        // The forged bytes landed first and were what was checked: refused, and nothing is served. (s3rver
        // writes an object in place, so the copy may even catch it half-written: SIZE_MISMATCH.)
        expect(confirmed.status).toBe(422);
        expect(['CHECKSUM_MISMATCH', 'SIZE_MISMATCH']).toContain(confirmed.body.code);
        await t.http().get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`).set(auth()).expect(409);
      }
    }
  });

  it('refuses a wrong sha256 with 422 and deletes the object', async () => {
    const p = await presign();
    await put(p.url, PDF);
    const res = await confirm(p.uploadId, sha256(Buffer.from('other'))).expect(422);
    expect(res.body.code).toBe('CHECKSUM_MISMATCH');
    expect(await storage().stat(p.s3Key)).toBeNull();
    await t.http().get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`).set(auth()).expect(409);
  });

  it('refuses an executable sent as a PDF with 422 and deletes the object', async () => {
    const p = await presign({ size: EXE.length, filename: 'facture.pdf' });
    await put(p.url, EXE);
    const res = await confirm(p.uploadId, sha256(EXE)).expect(422);
    expect(res.body.code).toBe('TYPE_MISMATCH');
    expect(await storage().stat(p.s3Key)).toBeNull();
  });

  it('refuses an object whose size differs from the declared one', async () => {
    const p = await presign({ size: PDF.length + 10 });
    // Written behind the URL's back, as a store that does not enforce Content-Length would.
    await storage().put(p.s3Key, PDF, { contentType: 'application/pdf' });
    const res = await confirm(p.uploadId, sha256(PDF)).expect(422);
    expect(res.body.code).toBe('SIZE_MISMATCH');
    expect(await storage().stat(p.s3Key)).toBeNull();
  });

  it('answers 409 when nothing was uploaded yet, and confirms racing twice without harm', async () => {
    const p = await presign();
    const early = await confirm(p.uploadId, sha256(PDF)).expect(409);
    expect(early.body.code).toBe('UPLOAD_INCOMPLETE');
    await put(p.url, PDF);
    const [a, b] = await Promise.all([confirm(p.uploadId, sha256(PDF)), confirm(p.uploadId, sha256(PDF))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.message, b.body.message].sort()).toEqual(['Upload already confirmed', 'Upload confirmed']);
  });

  it('validates presign bodies and answers the allowed types', async () => {
    const type = await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set(auth())
      .send({ filename: 'a.exe', mimeType: 'application/x-msdownload', size: 10 })
      .expect(415);
    expect(type.body).toMatchObject({
      code: 'UNSUPPORTED_FILE_TYPE',
      details: { allowedTypes: ['application/pdf', 'image/jpeg', 'image/png'] },
    });
    for (const body of [
      { filename: '', mimeType: 'application/pdf', size: 10 },
      { filename: 'x'.repeat(256), mimeType: 'application/pdf', size: 10 },
      { filename: 'a.pdf', mimeType: 'a'.repeat(101), size: 10 },
      { filename: 'a.pdf', mimeType: 'application/pdf', size: 104857601 },
      { filename: 'a.pdf', mimeType: 'application/pdf', size: 0 },
      { filename: 'a.pdf', mimeType: 'application/pdf', size: 1.5 },
      { filename: 'a.pdf', mimeType: 'application/pdf', size: '10' },
      {},
    ]) {
      const res = await t.http().post('/api/v1/invoice-uploads/presign').set(auth()).send(body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const biggest = await presign({ size: 104857600 });
    expect(biggest.maxSize).toBe(104857600);
    await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set(auth())
      .send({ filename: 'a.jpg', mimeType: 'image/jpg', size: 10 })
      .expect(200);
  });

  it("answers 404 for another organization's uploads and payment requests, 400 for malformed ids", async () => {
    const mine = await uploaded();
    const other = await createOrganization(t, 'Other');
    const foreign = { Authorization: `Bearer ${other.key}` };
    const theirPr = await paymentRequest(other);
    const myPr = await paymentRequest();
    const base = `/api/v1/invoice-uploads/${mine.uploadId}`;
    await t
      .http()
      .post(`${base}/confirm`)
      .set(foreign)
      .send({ sha256: sha256(PDF) })
      .expect(404);
    await t.http().get(`${base}/preview-url`).set(foreign).expect(404);
    await t.http().post(`${base}/attach/${theirPr}`).set(foreign).expect(404);
    await t.http().delete(base).set(foreign).expect(404);
    await t.http().post(`${base}/attach/${theirPr}`).set(auth()).expect(404);
    await t.http().get(`/api/v1/${myPr}/invoice/url`).set(foreign).expect(404);
    await t.http().post(`/api/v1/${myPr}/invoice/attach/${mine.uploadId}`).set(foreign).expect(404);

    for (const bad of ['abc', '123', `${mine.uploadId}0`, '6ba7b810-9dad-91d1-80b4-00c04fd430c8']) {
      const res = await t.http().get(`/api/v1/invoice-uploads/${bad}/preview-url`).set(auth()).expect(400);
      expect(res.body.code).toBe('INVALID_UUID');
    }
    await t.http().post(`/api/v1/abc/invoice/attach/${mine.uploadId}`).set(auth()).expect(400);
    for (const edge of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      randomUUID(),
    ]) {
      await t.http().get(`/api/v1/invoice-uploads/${edge}/preview-url`).set(auth()).expect(404);
      await t.http().get(`/api/v1/${edge}/invoice/url`).set(auth()).expect(404);
    }
  });

  it('deletes a temporary upload and its object (204), then answers 404', async () => {
    const p = await uploaded();
    const key = await storedKey(p.uploadId);
    expect(await storage().stat(key)).not.toBeNull();
    await t.http().delete(`/api/v1/invoice-uploads/${p.uploadId}`).set(auth()).expect(204);
    expect(await storage().stat(key)).toBeNull();
    await t.http().delete(`/api/v1/invoice-uploads/${p.uploadId}`).set(auth()).expect(404);
  });

  it('expires pending and unattached uploads, file and row, and keeps attached ones', async () => {
    const db = t.app.get(DataSource);
    const pending = await presign();
    await put(pending.url, PDF);
    const confirmed = await uploaded();
    const attached = await uploaded();
    const pr = await paymentRequest();
    await t.http().post(`/api/v1/${pr}/invoice/attach/${attached.uploadId}`).set(auth()).expect(200);
    const confirmedKey = await storedKey(confirmed.uploadId);
    const attachedKey = await storedKey(attached.uploadId);
    await db.query(
      `UPDATE invoice_uploads SET expires_at = now() - interval '1 minute' WHERE organization_id = $1 AND status <> 'attached'`,
      [org.id],
    );
    const result = await t.app.get(UploadExpiryService).expire();
    expect(result.expired).toBeGreaterThanOrEqual(2);
    const left: { id: string }[] = await db.query(
      'SELECT id FROM invoice_uploads WHERE organization_id = $1',
      [org.id],
    );
    expect(left.map((r) => r.id)).toEqual([attached.uploadId]);
    expect(await storage().stat(pending.s3Key)).toBeNull();
    expect(await storage().stat(confirmedKey)).toBeNull();
    expect(await storage().stat(attachedKey)).not.toBeNull();
    expect(await t.app.get(JobQueue).scheduleOf(UPLOADS_EXPIRE_JOB)).toBe(t.config.uploads.expiryCron);
  });

  it('makes a receipt from a confirmed upload (receipt_upload_id), within seed 002 limits', async () => {
    const receiptBody = {
      label: 'Achat',
      type: 'frais',
      amount: '10',
      amount_with_vat: '12',
      reference: 'REF-UP',
      operation_date: '2021-06-18 20:21:00',
    };
    const p = await uploaded(PNG, 'image/png', 'scan.png');
    const key = await storedKey(p.uploadId);
    const res = await t
      .http()
      .post('/invoice')
      .set(auth())
      .send({ ...receiptBody, receipt_upload_id: p.uploadId })
      .expect(201);
    expect(res.body.receipt_path).toMatch(/^\/storage\/invoices\/scan-[0-9a-f]{16}\.png$/);
    const file = await t.http().get(res.body.receipt_path).set(auth()).buffer(true).expect(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    // The upload was consumed.
    await t.http().get(`/api/v1/invoice-uploads/${p.uploadId}/preview-url`).set(auth()).expect(404);
    expect(await storage().stat(key)).toBeNull();

    const big = await uploaded(pngOfSize(1_048_577), 'image/png', 'big.png');
    const tooBig = await t
      .http()
      .post('/invoice')
      .set(auth())
      .send({ ...receiptBody, receipt_upload_id: big.uploadId })
      .expect(422);
    expect(tooBig.body).toEqual({ receipt_upload_id: 'Le fichier ne doit pas dépasser 1 Mo' });

    const unconfirmed = await presign();
    const notYet = await t
      .http()
      .post('/invoice')
      .set(auth())
      .send({ ...receiptBody, amount: '-1', receipt_upload_id: unconfirmed.uploadId })
      .expect(422);
    expect(Object.keys(notYet.body).sort()).toEqual(['amount', 'receipt_upload_id']);
    await t
      .http()
      .post('/invoice')
      .set(auth())
      .send({ ...receiptBody, receipt_upload_id: 'nope' })
      .expect(422);
  });

  if (driver === 'local') {
    describe('signed PUT URLs of the local driver', () => {
      it('accept one upload only, and refuse tampered, expired or mismatched requests', async () => {
        const p = await presign();
        const url = new URL(p.url);
        const tampered = new URL(p.url);
        tampered.searchParams.set('size', String(PDF.length + 1));
        expect((await put(tampered.toString(), PDF)).status).toBe(403);
        expect((await put(p.url, PDF, 'image/png')).status).toBe(403);
        expect((await put(p.url, Buffer.concat([PDF, Buffer.from('x')]))).status).toBe(403);

        const expired = t.app
          .get(UrlSigner)
          .sign(
            url.pathname,
            -1,
            { size: String(PDF.length), type: 'application/pdf', nonce: 'n'.repeat(32) },
            'PUT',
          );
        const expiredRes = await put(`${url.origin}${url.pathname}?${expired.query}`, PDF);
        expect(expiredRes.status).toBe(403);
        expect(((await expiredRes.json()) as { code: string }).code).toBe('URL_EXPIRED');

        expect((await put(p.url, PDF)).status).toBe(200);
        const reused = await put(p.url, PDF);
        expect(reused.status).toBe(403);
        expect(((await reused.json()) as { code: string }).code).toBe('URL_ALREADY_USED');
        expect((await fetch(p.url, { method: 'GET' })).status).toBe(403);
      });

      it('streams a 100 MiB upload with flat memory', async () => {
        const size = 100 * 1024 * 1024;
        const p = await presign({ size, filename: 'gros.pdf' });
        global.gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
        // The client runs in its own process, so that only the server's memory is measured here.
        const { status, sha256: sent } = await putFromChildProcess(p.url, size);
        clearInterval(sampler);
        expect(status).toBe(200);
        expect(peak - before).toBeLessThan(48 * 1024 * 1024);
        await confirm(p.uploadId, sent).expect(200);
      });

      it('forgets the nonces of expired URLs, keeps the others', async () => {
        const db = t.app.get(DataSource);
        const old = `old-${randomUUID()}`;
        const live = `live-${randomUUID()}`;
        await db.query(
          `INSERT INTO signed_url_uses (nonce, expires_at) VALUES ($1, now() - interval '1 minute'), ($2, now() + interval '1 hour')`,
          [old, live],
        );
        expect((await t.app.get(SignedUrlUses).purgeExpired()).forgotten).toBeGreaterThanOrEqual(1);
        const left: { nonce: string }[] = await db.query(
          'SELECT nonce FROM signed_url_uses WHERE nonce = ANY($1)',
          [[old, live]],
        );
        expect(left.map((r) => r.nonce)).toEqual([live]);
      });

      it('collects objects under uploads/ that no row names', async () => {
        const key = `uploads/${org.id}/${randomUUID()}/orphan.pdf`;
        await storage().put(key, PDF, { contentType: 'application/pdf' });
        const old = new Date(Date.now() - 3 * 3600 * 1000);
        utimesSync(join(t.config.dataDir, 'files', key), old, old);
        const live = await uploaded();
        const { deleted } = await t.app.get(OrphanCollector).collect();
        expect(deleted).toBeGreaterThanOrEqual(1);
        expect(await storage().stat(key)).toBeNull();
        expect(await storage().stat(await storedKey(live.uploadId))).not.toBeNull();
      });
    });
  }
});
