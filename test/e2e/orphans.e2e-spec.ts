import { randomUUID } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { OrphanCollector, STORAGE_ORPHANS_JOB } from '../../src/storage/orphan-collector.js';
import { PDF, PNG } from '../fixtures/files.js';
import { startS3Server } from '../support/s3-server.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

const RECEIPT = {
  label: 'Fournitures',
  type: 'frais',
  amount: '10',
  amount_with_vat: '12',
  reference: 'ORPH-1',
  operation_date: '2026-03-14',
};

/** Every stored object's collection: what no row names goes once it is old, on both drivers. */
describe.each(['local', 's3'] as const)('orphan collection of stored files, %s driver', (driver) => {
  let t: TestApp;
  let org: TestOrganization;
  let stopS3: (() => Promise<void>) | undefined;
  const storage = () => t.app.get(FileStorage);
  const collector = () => t.app.get(OrphanCollector);
  /** Everything counts as old: the s3 store's dates cannot be set back, so the age is set to 0 instead. */
  const collectAllOld = (pageSize?: number) => collector().collect({ minAgeSeconds: 0, pageSize });
  const exists = async (key: string) => (await storage().stat(key)) !== null;

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (driver === 's3') {
      const s3 = await startS3Server();
      env = s3.env;
      stopS3 = s3.stop;
    }
    t = await createTestApp(env);
    org = await createOrganization(t);
  });
  afterAll(async () => {
    await t.close();
    await stopS3?.();
  });

  async function receiptWithFile(reference: string): Promise<{ id: number; key: string }> {
    const req = t.http().post('/invoice').set('Authorization', `Bearer ${org.key}`);
    for (const [k, v] of Object.entries({ ...RECEIPT, reference })) req.field(k, v);
    const res = await req
      .attach('receipt', PNG, { filename: 'ticket.png', contentType: 'image/png' })
      .expect(201);
    return { id: res.body.id as number, key: (res.body.receipt_path as string).replace(/^\/storage\//, '') };
  }

  it('keeps a young file without a row, and collects it once it is older than the age', async () => {
    // What a POST /invoice that died between its file and its row leaves.
    const key = `invoices/died-before-its-row-${randomUUID()}.png`;
    await storage().put(key, PNG, { contentType: 'image/png' });
    await collector().collect();
    expect(await exists(key)).toBe(true);

    const { deleted } = await collectAllOld();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await exists(key)).toBe(false);
  });

  it("keeps a receipt's file, collects the file of a row deleted without it", async () => {
    const kept = await receiptWithFile('ORPH-KEPT');
    const deletedRow = await receiptWithFile('ORPH-GONE');
    // A DELETE committed, then the process died before removing the file.
    await t.app.get(DataSource).query(`DELETE FROM receipts WHERE id = $1`, [deletedRow.id]);

    await collectAllOld();
    expect(await exists(kept.key)).toBe(true);
    expect(await exists(deletedRow.key)).toBe(false);
    await t.http().get(`/storage/${kept.key}`).set('Authorization', `Bearer ${org.key}`).expect(200);
  });

  it('keeps the objects an upload or a payment request names, collects any other under uploads/', async () => {
    const presigned = await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set('Authorization', `Bearer ${org.key}`)
      .send({ filename: 'facture.pdf', mimeType: 'application/pdf', size: PDF.length })
      .expect(200);
    const uploadKey = presigned.body.s3Key as string;
    await storage().put(uploadKey, PDF, { contentType: 'application/pdf' });
    // A temporary key no row names any more (e.g. copied to its final key), whatever its shape.
    const leftover = `${uploadKey}.tmp-${randomUUID()}`;
    await storage().put(leftover, PDF, { contentType: 'application/pdf' });
    // A key only an invoice document still names.
    const invoiceKey = `uploads/${org.id}/${randomUUID()}/invoice.pdf`;
    await storage().put(invoiceKey, PDF, { contentType: 'application/pdf' });
    const request = await t
      .http()
      .post('/api/v1/payment-requests')
      .set('Authorization', `Bearer ${org.key}`)
      .send({ amount: '10.00', currency: 'EUR' })
      .expect(201);
    await t.app
      .get(DataSource)
      .query(`UPDATE payment_requests SET invoice_key = $2 WHERE id = $1`, [request.body.id, invoiceKey]);

    await collectAllOld();
    expect(await exists(uploadKey)).toBe(true);
    expect(await exists(invoiceKey)).toBe(true);
    expect(await exists(leftover)).toBe(false);
  });

  it('goes through the store in pages, one reference query per page', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `invoices/paged-${i}-${randomUUID()}.png`);
    for (const key of keys) await storage().put(key, PNG, { contentType: 'image/png' });
    const kept = await receiptWithFile('ORPH-PAGED');
    const { listed, deleted } = await collectAllOld(2);
    expect(listed).toBeGreaterThanOrEqual(8);
    expect(deleted).toBeGreaterThanOrEqual(7);
    for (const key of keys) expect(await exists(key)).toBe(false);
    expect(await exists(kept.key)).toBe(true);
  });

  it('runs as a scheduled job, hourly by default', async () => {
    expect(await t.app.get(JobQueue).scheduleOf(STORAGE_ORPHANS_JOB)).toBe('17 * * * *');
  });

  if (driver === 'local') {
    it("measures the age on the file itself (default one hour), and collects a dead write's .partial", async () => {
      const root = join(t.config.dataDir, 'files');
      const old = new Date(Date.now() - 2 * 3600 * 1000);
      const orphan = `invoices/old-orphan-${randomUUID()}.png`;
      await storage().put(orphan, PNG, { contentType: 'image/png' });
      utimesSync(join(root, orphan), old, old);
      const referenced = await receiptWithFile('ORPH-OLD-KEPT');
      utimesSync(join(root, referenced.key), old, old);
      // What a streamed write that died before its rename leaves.
      const partial = `uploads/${org.id}/${randomUUID()}/facture.pdf.0a1b2c.partial`;
      await storage().put(partial, PDF, { contentType: 'application/pdf' });
      utimesSync(join(root, partial), old, old);
      const young = `invoices/young-orphan-${randomUUID()}.png`;
      await storage().put(young, PNG, { contentType: 'image/png' });

      await collector().collect();
      expect(await exists(orphan)).toBe(false);
      expect(await exists(partial)).toBe(false);
      expect(await exists(referenced.key)).toBe(true);
      expect(await exists(young)).toBe(true);
    });
  }
});
