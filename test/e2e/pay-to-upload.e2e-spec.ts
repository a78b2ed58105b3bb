import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { jest } from '@jest/globals';
import type { Config } from '@jest/types';
import bolt11 from 'bolt11';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../../src/common/logging/logger.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { OrphanCollector } from '../../src/storage/orphan-collector.js';
import { UploadExpiryService } from '../../src/modules/uploads/upload-expiry.service.js';
import { PDF, PNG, TEXT } from '../fixtures/files.js';
import {
  createOrganization,
  createTestApp,
  TEST_ADMIN_KEY,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

/**
 * A client that knows only seed 000 (../shared/seeds/000_*.txt): three public routes, HTTP 200 for every
 * answer, `{success: false, message}` for every error.
 */
const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };
const PRICE_SATS = 1000;
const EXPIRY = 600;
/** Only the clock moves: pg, fetch and the app keep real timers. */
const ALL_BUT_DATE: Config.FakeableAPI[] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The seed's error shape: a sentence for a person, nothing else. */
const failure = { success: false, message: expect.stringMatching(/^[A-Z].{8,}\.$/) as unknown as string };

describe('Pay-to-upload (seed 000)', () => {
  let unconfigured: TestApp;
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    // Without PAY_TO_UPLOAD_ORGANIZATION_ID: the service answers "not configured". Also makes the org.
    unconfigured = await createTestApp();
    org = await createOrganization(unconfigured, 'Pay-to-upload SARL');
    t = await createTestApp(
      {
        PAY_TO_UPLOAD_ORGANIZATION_ID: org.id,
        PAY_TO_UPLOAD_PRICE_SATS: String(PRICE_SATS),
        PAY_TO_UPLOAD_INVOICE_EXPIRY_SECONDS: String(EXPIRY),
        PAY_TO_UPLOAD_INVOICES_PER_MINUTE: '1000',
      },
      { listen: true },
    );
  });

  afterAll(async () => {
    await t?.close();
    await unconfigured?.close();
  });

  const base = () => t.config.publicUrl;
  /** Every invoice handed out is decoded: the price, its hash and our expiry are in the signed invoice. */
  const getInvoice = async (app = t) => {
    const res = await app.http().get('/getInvoice').expect(200);
    const body = res.body as {
      success: boolean;
      payment_hash: string;
      payment_request: string;
      date: string;
    };
    if (body.success) {
      const decoded = bolt11.decode(body.payment_request, REGTEST);
      expect(decoded.millisatoshis).toBe(String(PRICE_SATS * 1000));
      expect(decoded.tags.find((tag) => tag.tagName === 'payment_hash')?.data).toBe(body.payment_hash);
      expect(decoded.timeExpireDate! - decoded.timestamp!).toBe(EXPIRY);
    }
    return body;
  };
  const settle = (hash: string) =>
    t
      .http()
      .post(`/api/v1/lightning/dev/invoices/${hash}/settle`)
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .expect((r) => expect(r.status).toBeLessThan(300));
  const getSignedUrl = (body: unknown) =>
    t
      .http()
      .post('/getSignedUrl')
      .send(body as object)
      .expect(200);
  const paidInvoice = async () => {
    const invoice = await getInvoice();
    await settle(invoice.payment_hash);
    return invoice;
  };
  const upload = (
    fields: { payment_hash?: string; date?: string },
    file: { content: Buffer; name: string } | null = { content: PDF, name: 'facture.pdf' },
    fieldsFirst = false,
  ) => {
    let req = t.http().post('/checkUploadedFile');
    const addFields = () => {
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) req = req.field(k, v);
    };
    if (fieldsFirst) addFields();
    if (file) req = req.attach('file', file.content, file.name);
    if (!fieldsFirst) addFields();
    return req.expect(200);
  };
  const uploadsOf = async () =>
    (await t.http().get('/api/v1/invoice-uploads').set('Authorization', `Bearer ${org.key}`).expect(200))
      .body as {
      data: {
        id: string;
        status: string;
        filename: string;
        sha256: string | null;
        expiresAt: string | null;
      }[];
    };

  /** Every stored file of the organization is named by an upload row: refused and losing uploads left none. */
  const expectNoStrayFiles = async () => {
    const stored: string[] = [];
    for await (const page of t.app.get(FileStorage).listPages(`uploads/${org.id}/`, 100)) {
      stored.push(...page.map((o) => o.key));
    }
    const rows: { s3_key: string }[] = await t.app
      .get(DataSource)
      .query('SELECT s3_key FROM invoice_uploads WHERE organization_id = $1', [org.id]);
    expect(stored.sort()).toEqual(rows.map((r) => r.s3_key).sort());
  };

  it('issues a real BOLT #11 invoice for the price, its date kept with its hash', async () => {
    const res = await t.http().get('/getInvoice').expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Invoice generated successfully.',
      payment_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      payment_request: expect.stringMatching(/^lnbcrt/),
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const decoded = bolt11.decode(res.body.payment_request, REGTEST);
    expect(decoded.complete).toBe(true);
    // The signature recovers a node key (bolt11 recovers it from the signature when no `n` tag is given).
    expect(decoded.payeeNodeKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(decoded.millisatoshis).toBe(String(PRICE_SATS * 1000));
    expect(decoded.timeExpireDate! - decoded.timestamp!).toBe(EXPIRY);
    expect(decoded.tags.find((tag) => tag.tagName === 'payment_hash')?.data).toBe(res.body.payment_hash);
    expect(new Date(res.body.date).getTime()).toBe(decoded.timestamp! * 1000);
  });

  it('says unpaid before the payment and paid after it', async () => {
    const invoice = await getInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    const before = await getSignedUrl(pair);
    expect(before.body).toEqual({ success: false, message: 'The invoice has not been paid yet.' });
    await settle(invoice.payment_hash);
    expect((await getSignedUrl(pair)).body).toEqual({ success: true });
  });

  it('refuses a wrong hash, a wrong date, missing and mistyped fields, broken JSON', async () => {
    const invoice = await paidInvoice();
    const wrongHash = 'ab'.repeat(32);
    for (const body of [
      { payment_hash: wrongHash, date: invoice.date },
      { payment_hash: 'not-a-hash', date: invoice.date },
      { payment_hash: invoice.payment_hash, date: '2020-01-01T00:00:00.000Z' },
      { payment_hash: invoice.payment_hash },
      { date: invoice.date },
      { payment_hash: 42, date: invoice.date },
      { payment_hash: invoice.payment_hash, date: ['x'] },
      {},
    ]) {
      expect({ body, answer: (await getSignedUrl(body)).body }).toEqual({ body, answer: failure });
    }
    const broken = await t
      .http()
      .post('/getSignedUrl')
      .set('Content-Type', 'application/json')
      .send('{"payment_hash": "abc", ')
      .expect(200);
    expect(broken.body).toEqual({ success: false, message: 'The request body is not valid JSON.' });
    // The same instant written otherwise is not the date handed out.
    const sameInstant = await getSignedUrl({
      payment_hash: invoice.payment_hash,
      date: invoice.date.replace('.000Z', 'Z'),
    });
    expect(sameInstant.body).toEqual(failure);
    // The real pair still works: refusals used nothing.
    expect((await getSignedUrl({ payment_hash: invoice.payment_hash, date: invoice.date })).body).toEqual({
      success: true,
    });
  });

  it('uploads once: the URL opens the file without credentials, with safe headers; the second upload is refused', async () => {
    const invoice = await paidInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    const before = Date.now();
    const res = await upload(pair, { content: PDF, name: 'Facture n°7.pdf' });
    expect(res.body).toEqual({
      success: true,
      message: 'File uploaded',
      url: expect.stringMatching(/^http/),
    });

    const file = await fetch(res.body.url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PDF);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''Facture%20n%C2%B07.pdf");
    // Valid for PAY_TO_UPLOAD_LINK_TTL (7 days by default).
    const expires = Number(new URL(res.body.url).searchParams.get('expires')) * 1000;
    expect(expires - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000 - 5000);
    expect(expires - before).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 120_000);

    // The expiry of unattached uploads leaves it: the link still opens it.
    await t.app.get(UploadExpiryService).expire();
    expect((await fetch(res.body.url)).status).toBe(200);

    const second = await upload(pair, { content: PNG, name: 'other.png' });
    expect(second.body).toEqual({
      success: false,
      message: 'This invoice has already been used to upload a file.',
    });
    expect((await getSignedUrl(pair)).body).toEqual(failure);

    // A confirmed upload of the organization that never expires, listed by the API.
    const listed = (await uploadsOf()).data.filter((u) => u.sha256 === sha256(PDF));
    expect(listed).toContainEqual(
      expect.objectContaining({ status: 'confirmed', filename: 'Facture n°7.pdf', expiresAt: null }),
    );
  });

  it('takes the fields before the file too', async () => {
    const invoice = await paidInvoice();
    const res = await upload(
      { payment_hash: invoice.payment_hash, date: invoice.date },
      { content: PNG, name: 'scan.png' },
      true,
    );
    expect(res.body).toEqual({ success: true, message: 'File uploaded', url: expect.any(String) });
    const file = await fetch(res.body.url);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
    expect(file.headers.get('content-type')).toBe('image/png');
  });

  it('lets one of two racing uploads with one invoice through', async () => {
    const invoice = await paidInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    const answers = await Promise.all([upload(pair), upload(pair), upload(pair)]);
    const wins = answers.filter((a) => a.body.success === true);
    expect(wins).toHaveLength(1);
    for (const lost of answers.filter((a) => a.body.success !== true)) {
      expect(lost.body).toEqual({
        success: false,
        message: 'This invoice has already been used to upload a file.',
      });
    }
    const rows: { upload_id: string }[] = await t.app
      .get(DataSource)
      .query('SELECT upload_id FROM pay_to_upload_invoices WHERE payment_hash = $1', [invoice.payment_hash]);
    const uploads: unknown[] = await t.app
      .get(DataSource)
      .query('SELECT id FROM invoice_uploads WHERE id = $1', [rows[0].upload_id]);
    expect(uploads).toHaveLength(1);
    await expectNoStrayFiles();
  });

  it('refuses an unpaid invoice, a wrong hash or date, a file too large or of the wrong type, without using the invoice', async () => {
    const unpaid = await getInvoice();
    expect((await upload({ payment_hash: unpaid.payment_hash, date: unpaid.date })).body).toEqual({
      success: false,
      message: 'The invoice has not been paid yet.',
    });
    const invoice = await paidInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    expect((await upload({ ...pair, payment_hash: 'cd'.repeat(32) })).body).toEqual(failure);
    const otherDate = new Date(Date.parse(invoice.date) - 1000).toISOString();
    expect((await upload({ ...pair, date: otherDate })).body).toEqual({
      success: false,
      message: 'This date does not belong to this invoice; send the one received with it.',
    });
    expect((await upload({ payment_hash: pair.payment_hash })).body).toEqual({
      success: false,
      message: 'The field date is missing.',
    });

    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
    expect((await upload(pair, { content: big, name: 'big.pdf' })).body).toEqual({
      success: false,
      message: 'The file is larger than 10 MiB.',
    });
    expect((await upload(pair, { content: TEXT, name: 'facture.pdf' })).body).toEqual({
      success: false,
      message: 'Only PDF, JPEG and PNG files are accepted.',
    });
    expect((await upload(pair, null)).body).toEqual({
      success: false,
      message: 'No file was sent: attach the file to the form.',
    });
    // None of these used the invoice, nor left a file behind.
    await expectNoStrayFiles();
    expect((await upload(pair)).body).toEqual(expect.objectContaining({ success: true }));
  });

  it('answers a broken or non-multipart body in the seed shape', async () => {
    const invoice = await paidInvoice();
    const broken = await fetch(`${base()}/checkUploadedFile`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=XYZ' },
      body: `--XYZ\r\nContent-Disposition: form-data; name="payment_hash"\r\n\r\n${invoice.payment_hash}\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc`,
    });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toEqual(failure);
    const noBoundary = await fetch(`${base()}/checkUploadedFile`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'whatever',
    });
    expect(noBoundary.status).toBe(200);
    expect(await noBoundary.json()).toEqual(failure);
    const json = await t
      .http()
      .post('/checkUploadedFile')
      .send({ payment_hash: invoice.payment_hash, date: invoice.date })
      .expect(200);
    expect(json.body).toEqual({
      success: false,
      message: 'Send the file and its fields as multipart/form-data.',
    });
    const badJson = await t
      .http()
      .post('/checkUploadedFile')
      .set('Content-Type', 'application/json')
      .send('{')
      .expect(200);
    expect(badJson.body).toEqual(failure);
    // The invoice is still usable.
    expect((await upload({ payment_hash: invoice.payment_hash, date: invoice.date })).body.success).toBe(
      true,
    );
  });

  it('lists uploads with a cursor, usable as receipt_upload_id', async () => {
    const first = await uploadsOf();
    expect(first.data.length).toBeGreaterThan(0);
    const page = await t
      .http()
      .get('/api/v1/invoice-uploads?limit=1')
      .set('Authorization', `Bearer ${org.key}`)
      .expect(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.has_more).toBe(true);
    const next = await t
      .http()
      .get(`/api/v1/invoice-uploads?limit=1&cursor=${page.body.next_cursor}`)
      .set('Authorization', `Bearer ${org.key}`)
      .expect(200);
    expect(next.body.data[0].id).not.toBe(page.body.data[0].id);

    const png = first.data.find((u) => u.filename === 'scan.png')!;
    const receipt = await t
      .http()
      .post('/invoice')
      .set('Authorization', `Bearer ${org.key}`)
      .send({
        label: 'Achat',
        type: 'frais',
        amount: '10',
        amount_with_vat: '12',
        reference: 'REF-P2U',
        operation_date: '2021-06-18 20:21:00',
        receipt_upload_id: png.id,
      })
      .expect(201);
    expect(receipt.body.receipt_path).toMatch(/\.png$/);
  });

  const db = () => t.app.get(DataSource);
  const auth = () => ({ Authorization: `Bearer ${org.key}` });
  const uploadIdOf = async (paymentHash: string) =>
    (
      await db().query<{ upload_id: string }[]>(
        'SELECT upload_id FROM pay_to_upload_invoices WHERE payment_hash = $1',
        [paymentHash],
      )
    )[0].upload_id;
  /** A paid invoice used: the payer's link, and the upload the organization sees. */
  const paidUpload = async (file = { content: PNG, name: 'ticket.png' }) => {
    const invoice = await paidInvoice();
    const res = await upload({ payment_hash: invoice.payment_hash, date: invoice.date }, file);
    expect(res.body).toEqual({ success: true, message: 'File uploaded', url: expect.any(String) });
    return { url: res.body.url as string, uploadId: await uploadIdOf(invoice.payment_hash) };
  };
  const opens = async (url: string, content: Buffer) => {
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(content);
  };
  /**
   * The uploads' expiry job, then the storage's orphan collection, as they run `days` from now (the clock
   * only: timers stay real).
   */
  const expireAsIfIn = async (days: number) => {
    jest.useFakeTimers({ doNotFake: ALL_BUT_DATE, now: Date.now() + days * 24 * 3600 * 1000 });
    try {
      await t.app.get(UploadExpiryService).expire();
      await t.app.get(OrphanCollector).collect();
    } finally {
      jest.useRealTimers();
    }
  };
  const receiptFrom = async (uploadId: string) =>
    (
      await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({
          label: 'Achat payé en sats',
          type: 'frais',
          amount: '10',
          amount_with_vat: '12',
          reference: 'REF-P2U-LINK',
          operation_date: '2021-06-18 20:21:00',
          receipt_upload_id: uploadId,
        })
        .expect(201)
    ).body as { id: number };

  it('answers HEAD /getInvoice with nothing: no invoice issued, stored or asked of the backend', async () => {
    const count = async () =>
      (
        await db().query<{ issued: number; backend: number }[]>(
          `SELECT (SELECT count(*) FROM pay_to_upload_invoices)::int AS issued,
                  (SELECT count(*) FROM lightning_dev_invoices)::int AS backend`,
        )
      )[0];
    const before = await count();
    for (let i = 0; i < 3; i++) {
      const res = await t.http().head('/getInvoice').expect(200);
      expect(res.text ?? '').toBe('');
    }
    expect(await count()).toEqual(before);
    // GET still issues one.
    expect((await getInvoice()).success).toBe(true);
    expect(await count()).toEqual({ issued: before.issued + 1, backend: before.backend + 1 });
  });

  it("keeps the payer's link working when the organization makes a receipt of the file, until it deletes the upload", async () => {
    const { url, uploadId } = await paidUpload();
    const receipt = await receiptFrom(uploadId);
    await opens(url, PNG);
    // The receipt has its own copy; deleting it leaves the payer's file alone, and so does the expiry.
    await t.http().delete(`/invoice/${receipt.id}`).set(auth()).expect(204);
    await expireAsIfIn(6);
    await opens(url, PNG);
    // Deleting the upload is the organization's right: the link then finds nothing.
    await t.http().delete(`/api/v1/invoice-uploads/${uploadId}`).set(auth()).expect(204);
    expect([404, 410]).toContain((await fetch(url)).status);
  });

  it('never lets the expiry of unattached uploads remove a paid file once detached from a payment request', async () => {
    const { url, uploadId } = await paidUpload({ content: PDF, name: 'facture-payee.pdf' });
    const pr = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(auth())
      .send({ amount: '120.00', currency: 'EUR' })
      .expect(201);
    await t.http().post(`/api/v1/${pr.body.id}/invoice/attach/${uploadId}`).set(auth()).expect(200);
    await opens(url, PDF);
    // The payment request is deleted: its document is detached, an unattached upload again.
    await t.http().delete(`/api/v1/invoices/${pr.body.id}`).set(auth()).expect(200);
    const [row] = await db().query<{ status: string; expires_at: Date | null }[]>(
      'SELECT status, expires_at FROM invoice_uploads WHERE id = $1',
      [uploadId],
    );
    expect(row).toEqual({ status: 'confirmed', expires_at: null });
    // Six days on, long past the retention of unattached uploads, the link (7 days) still opens the file.
    await expireAsIfIn(6);
    await opens(url, PDF);
    expect((await uploadsOf()).data.map((u) => u.id)).toContain(uploadId);
  });

  it('refuses an unpaid or unknown invoice whose fields come after the file, keeping nothing of the file', async () => {
    const unpaid = await getInvoice();
    const uploadsBefore = (await uploadsOf()).data.length;
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
    for (const [fields, file, message] of [
      [unpaid, { content: PDF, name: 'a.pdf' }, 'The invoice has not been paid yet.'],
      [
        { payment_hash: 'ef'.repeat(32), date: unpaid.date },
        { content: PDF, name: 'b.pdf' },
        'No invoice has this payment_hash; ask for a new invoice.',
      ],
      [unpaid, { content: big, name: 'big.pdf' }, 'The file is larger than 10 MiB.'],
    ] as const) {
      const res = await upload({ payment_hash: fields.payment_hash, date: fields.date }, file, false);
      expect({ name: file.name, body: res.body }).toEqual({
        name: file.name,
        body: { success: false, message },
      });
      await expectNoStrayFiles();
      expect((await uploadsOf()).data).toHaveLength(uploadsBefore);
    }
  });

  it('refuses an unpaid invoice whose fields come before the file without writing the file anywhere', async () => {
    const unpaid = await getInvoice();
    const storage = t.app.get(FileStorage);
    const put = jest.spyOn(storage, 'put');
    try {
      const res = await upload(
        { payment_hash: unpaid.payment_hash, date: unpaid.date },
        { content: PDF, name: 'early.pdf' },
        true,
      );
      expect(res.body).toEqual({ success: false, message: 'The invoice has not been paid yet.' });
      const unknown = await upload(
        { payment_hash: 'fe'.repeat(32), date: unpaid.date },
        { content: PDF, name: 'early.pdf' },
        true,
      );
      expect(unknown.body).toEqual({
        success: false,
        message: 'No invoice has this payment_hash; ask for a new invoice.',
      });
      expect(put).not.toHaveBeenCalled();
    } finally {
      put.mockRestore();
    }
    await expectNoStrayFiles();
    // Paid, the same order goes through.
    await settle(unpaid.payment_hash);
    const paid = await upload(
      { payment_hash: unpaid.payment_hash, date: unpaid.date },
      { content: PDF, name: 'early.pdf' },
      true,
    );
    expect(paid.body).toEqual(expect.objectContaining({ success: true }));
  });

  it('answers "not configured" on the three routes when PAY_TO_UPLOAD_ORGANIZATION_ID is unset', async () => {
    const notConfigured = {
      success: false,
      message: 'The pay-to-upload service is not configured on this server.',
    };
    expect((await unconfigured.http().get('/getInvoice').expect(200)).body).toEqual(notConfigured);
    expect(
      (
        await unconfigured
          .http()
          .post('/getSignedUrl')
          .send({ payment_hash: 'ab'.repeat(32), date: 'x' })
          .expect(200)
      ).body,
    ).toEqual(notConfigured);
    expect(
      (await unconfigured.http().post('/checkUploadedFile').attach('file', PDF, 'a.pdf').expect(200)).body,
    ).toEqual(notConfigured);
  });

  it('answers "unavailable" when the Lightning backend is down', async () => {
    const none = await createTestApp({ PAY_TO_UPLOAD_ORGANIZATION_ID: org.id, LIGHTNING_BACKEND: 'none' });
    try {
      expect((await none.http().get('/getInvoice').expect(200)).body).toEqual({
        success: false,
        message: 'Lightning payments are unavailable right now; please try again in a few minutes.',
      });
    } finally {
      await none.close();
    }
  });

  it('rate-limits getInvoice per client address, with Retry-After, and nothing else', async () => {
    const limited = await createTestApp({
      PAY_TO_UPLOAD_ORGANIZATION_ID: org.id,
      PAY_TO_UPLOAD_INVOICES_PER_MINUTE: '3',
    });
    try {
      for (let i = 0; i < 3; i++) expect((await getInvoice(limited)).success).toBe(true);
      const refused = await limited.http().get('/getInvoice').expect(200);
      expect(refused.body).toEqual({
        success: false,
        message: expect.stringMatching(
          /^Too many invoices were requested from your address; try again in \d+ seconds\.$/,
        ),
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // The rest of the API, seed 000's other routes included, still answers this address.
      await limited
        .http()
        .get('/api/v1/invoice-uploads')
        .set('Authorization', `Bearer ${org.key}`)
        .expect(200);
      const other = await limited
        .http()
        .post('/getSignedUrl')
        .send({ payment_hash: 'ab'.repeat(32), date: 'x' })
        .expect(200);
      expect(other.body.message).not.toMatch(/Too many/);
    } finally {
      await limited.close();
    }
  });

  /** The messages the app logs (its own pino logger) by level, as they come, until `restore`. */
  const captureLogs = () => {
    const logger = t.app.get<Logger>(LOGGER);
    const spies = (['error', 'warn', 'info'] as const).map(
      (level) => [level, jest.spyOn(logger, level)] as const,
    );
    const messages = (level: 'error' | 'warn' | 'info') =>
      spies
        .find(([l]) => l === level)![1]
        .mock.calls.map((args) => String((args as unknown[]).find((a) => typeof a === 'string')));
    return { messages, restore: () => spies.forEach(([, spy]) => spy.mockRestore()) };
  };
  /** Polls `check` until it passes (the server finishes after the client has gone). */
  const eventually = async (check: () => Promise<void>, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        await check();
        return;
      } catch (e) {
        if (Date.now() > until) throw e;
        await sleep(50);
      }
    }
  };
  const uploadRows = async () =>
    (
      await db().query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM invoice_uploads WHERE organization_id = $1',
        [org.id],
      )
    )[0].n;

  it('refuses two files with "Send one file per invoice.", deleting only stored files and logging no error', async () => {
    const invoice = await paidInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    const rowsBefore = await uploadRows();
    const storage = t.app.get(FileStorage);
    const deleted = jest.spyOn(storage, 'delete');
    const logs = captureLogs();
    try {
      for (const fieldsFirst of [true, false]) {
        let req = t.http().post('/checkUploadedFile');
        if (fieldsFirst) req = req.field('payment_hash', pair.payment_hash).field('date', pair.date);
        req = req.attach('file', PDF, 'a.pdf').attach('other', PNG, 'b.png');
        if (!fieldsFirst) req = req.field('payment_hash', pair.payment_hash).field('date', pair.date);
        const res = await req.expect(200);
        expect({ fieldsFirst, body: res.body }).toEqual({
          fieldsFirst,
          body: { success: false, message: 'Send one file per invoice.' },
        });
      }
      // Removals of what was stored finish after the answer.
      await sleep(200);
      expect(logs.messages('error')).toEqual([]);
      for (const [key] of deleted.mock.calls) expect(key).toMatch(new RegExp(`^uploads/${org.id}/`));
    } finally {
      deleted.mockRestore();
      logs.restore();
    }
    await expectNoStrayFiles();
    expect(await uploadRows()).toBe(rowsBefore);
    // The invoice was not used.
    expect((await upload(pair)).body).toEqual(expect.objectContaining({ success: true }));
  });

  it('takes a client that goes away mid-upload as no server error, and keeps nothing of its file', async () => {
    const invoice = await paidInvoice();
    const rowsBefore = await uploadRows();
    const boundary = 'ClientGoesAway';
    const head = Buffer.from(
      [
        `--${boundary}`,
        'Content-Disposition: form-data; name="payment_hash"',
        '',
        invoice.payment_hash,
        `--${boundary}`,
        'Content-Disposition: form-data; name="date"',
        '',
        invoice.date,
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="half.pdf"',
        'Content-Type: application/pdf',
        '',
        '%PDF-1.4\n',
      ].join('\r\n'),
    );
    const storage = t.app.get(FileStorage);
    const put = jest.spyOn(storage, 'put');
    const logs = captureLogs();
    let logged: Record<'error' | 'warn' | 'info', string[]>;
    try {
      const req = httpRequest(`${base()}/checkUploadedFile`, {
        method: 'POST',
        headers: {
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          // Announces 4 MiB of file; half of it is sent.
          'Content-Length': String(head.length + 4 * 1024 * 1024),
        },
      });
      req.on('error', () => undefined);
      req.write(head);
      req.write(Buffer.alloc(2 * 1024 * 1024, 0x20));
      // The file is being written to storage when the client goes.
      await eventually(() => Promise.resolve(expect(put).toHaveBeenCalled()));
      await sleep(100);
      req.destroy();
      await eventually(async () => {
        expect([
          ...logs.messages('info'),
          ...logs.messages('warn'),
          ...logs.messages('error'),
        ]).toContainEqual(expect.stringMatching(/pay-to-upload/));
        await expectNoStrayFiles();
      });
      // The write was cut short by the client: the storage's put failed (and removed its partial file).
      await expect(put.mock.results[0].value).rejects.toThrow();
      await sleep(200);
      logged = { error: logs.messages('error'), warn: logs.messages('warn'), info: logs.messages('info') };
    } finally {
      put.mockRestore();
      logs.restore();
    }
    expect(logged.error).toEqual([]);
    expect(logged.info.concat(logged.warn)).toContainEqual(expect.stringMatching(/went away/));
    await expectNoStrayFiles();
    expect(await uploadRows()).toBe(rowsBefore);
    // The invoice was not used.
    expect((await getSignedUrl({ payment_hash: invoice.payment_hash, date: invoice.date })).body).toEqual({
      success: true,
    });
  });

  it('answers a JSON body nested too deep with a sentence for a person', async () => {
    const deep = `{"payment_hash": ${'['.repeat(40)}${']'.repeat(40)}, "date": "x"}`;
    for (const path of ['/getSignedUrl', '/checkUploadedFile']) {
      const res = await t.http().post(path).set('Content-Type', 'application/json').send(deep).expect(200);
      expect({ path, body: res.body }).toEqual({
        path,
        body: { success: false, message: 'The request body is nested too deeply.' },
      });
    }
    // The rest of the API keeps its error shape.
    const api = await t
      .http()
      .post('/api/v1/payment-requests')
      .set('Authorization', `Bearer ${org.key}`)
      .set('Content-Type', 'application/json')
      .send(`{"amount": "10", "currency": "EUR", "description": ${'['.repeat(40)}${']'.repeat(40)}}`)
      .expect(422);
    expect(api.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'description is nested deeper than 32 levels',
    });
  });

  it('says in plain words that a field holds broken characters (invalid UTF-8, a lone surrogate)', async () => {
    const bodies = [
      Buffer.concat([
        Buffer.from('{"payment_hash": "'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('", "date": "x"}'),
      ]),
      Buffer.from('{"payment_hash": "\\ud800", "date": "x"}'),
    ];
    for (const body of bodies) {
      const res = await t
        .http()
        .post('/getSignedUrl')
        .set('Content-Type', 'application/json')
        // Sent as given: superagent would serialize a Buffer declared as JSON.
        .serialize((b: unknown) => b as string)
        .send(body)
        .expect(200);
      expect(res.body).toEqual({
        success: false,
        message: 'The field payment_hash holds broken characters.',
      });
    }
  });

  it('asks for payment_hash or date once when the form sends it twice', async () => {
    const invoice = await paidInvoice();
    const pair = { payment_hash: invoice.payment_hash, date: invoice.date };
    for (const fieldsFirst of [true, false]) {
      for (const twice of ['payment_hash', 'date'] as const) {
        let req = t.http().post('/checkUploadedFile');
        const addFields = () => {
          req = req
            .field('payment_hash', pair.payment_hash)
            .field('date', pair.date)
            .field(twice, pair[twice]);
        };
        if (fieldsFirst) addFields();
        req = req.attach('file', PDF, 'twice.pdf');
        if (!fieldsFirst) addFields();
        const put = jest.spyOn(t.app.get(FileStorage), 'put');
        try {
          const res = await req.expect(200);
          expect({ fieldsFirst, twice, body: res.body }).toEqual({
            fieldsFirst,
            twice,
            body: { success: false, message: `Send ${twice} once.` },
          });
          // Sent before the file, the repeated field is refused before a byte of it is stored.
          if (fieldsFirst) expect(put).not.toHaveBeenCalled();
        } finally {
          put.mockRestore();
        }
      }
    }
    await expectNoStrayFiles();
    expect((await upload(pair)).body).toEqual(expect.objectContaining({ success: true }));
  });
});
