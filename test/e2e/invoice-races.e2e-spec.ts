import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { PDF } from '../fixtures/files.js';
import { bearer } from '../support/bank.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ROUNDS = 25;

/**
 * Races between attaching an invoice document and the other writes on the same rows, many times over:
 * each must end in one of the outcomes a serial order would give, never a deadlock (a 500 after
 * PostgreSQL aborts one side), never an upload attached to a request that no longer exists.
 */
describe('invoice document races', () => {
  let t: TestApp;
  let db: DataSource;
  let org: TestOrganization;
  const auth = () => bearer(org.key);

  beforeAll(async () => {
    t = await createTestApp({ AUTH_FAILURE_LIMIT: '100000' }, { listen: true });
    db = t.app.get(DataSource);
    org = await createOrganization(t);
  });
  afterAll(() => t.close());

  /** presign → PUT → confirm: a temporary upload, ready to be attached. */
  async function upload(): Promise<string> {
    const presigned = await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set(auth())
      .send({ filename: 'facture.pdf', mimeType: 'application/pdf', size: PDF.length })
      .expect(200);
    const { uploadId, url } = presigned.body as { uploadId: string; url: string };
    const put = await fetch(url, {
      method: 'PUT',
      body: PDF,
      headers: { 'Content-Type': 'application/pdf' },
    });
    expect(put.status).toBe(200);
    await t
      .http()
      .post(`/api/v1/invoice-uploads/${uploadId}/confirm`)
      .set(auth())
      .send({ sha256: sha256(PDF) })
      .expect(200);
    return uploadId;
  }

  async function paymentRequest(): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(auth())
      .send({ amount: '120.00', currency: 'EUR' })
      .expect(201);
    return res.body.id as string;
  }

  const attach = (requestId: string, uploadId: string) =>
    t.http().post(`/api/v1/${requestId}/invoice/attach/${uploadId}`).set(auth());

  const holderOf = async (uploadId: string) => {
    const [row] = await db.query<{ status: string; attached_to: string | null }[]>(
      `SELECT status, attached_to FROM invoice_uploads WHERE id = $1`,
      [uploadId],
    );
    return row;
  };

  const outcome = (r: Response) => `${r.status} ${(r.body as { code?: string }).code ?? ''}`.trim();

  it('attaching a document vs deleting the invoice: never a deadlock, never a document left on a deleted request', async () => {
    const seen = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const request = await paymentRequest();
      const current = await upload();
      await attach(request, current).expect(200);
      // Odd rounds attach the document it already has (both sides lock that upload), even rounds a new one.
      const document = round % 2 === 1 ? current : await upload();

      const [attached, deleted] = await Promise.all([
        attach(request, document),
        t.http().delete(`/api/v1/invoices/${request}`).set(auth()),
      ]);
      seen.add(`attach ${outcome(attached)} / delete ${outcome(deleted)}`);
      expect(deleted.status).toBe(200);
      // Before the deletion it is attached (then let go by it); after, the request is not found.
      expect([200, 404]).toContain(attached.status);
      await t.http().get(`/api/v1/invoices/${request}`).set(auth()).expect(404);
      for (const id of new Set([current, document])) {
        expect(await holderOf(id)).toEqual({ status: 'confirmed', attached_to: null });
        // Temporary again, as the README says: it may be deleted, or attached elsewhere.
        await t.http().delete(`/api/v1/invoice-uploads/${id}`).set(auth()).expect(204);
      }
    }
    expect([...seen].every((s) => /^attach (200|404 \w+) \/ delete 200$/.test(s))).toBe(true);
  });

  it('two requests attaching one upload at once: exactly one wins, the other gets 409 UPLOAD_ATTACHED', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const document = await upload();
      const requests = [await paymentRequest(), await paymentRequest(), await paymentRequest()];
      const answers = await Promise.all(requests.map((r) => attach(r, document)));
      const winners = requests.filter((_, i) => answers[i].status === 200);
      expect(winners).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(outcome(answer)).toBe('409 UPLOAD_ATTACHED');
      }
      expect(await holderOf(document)).toEqual({ status: 'attached', attached_to: winners[0] });
      for (const r of requests) {
        const shown = await t.http().get(`/api/v1/payment-requests/${r}`).set(auth()).expect(200);
        expect(shown.body.invoice?.uploadId ?? null).toBe(r === winners[0] ? document : null);
      }
    }
  });
});
