import { seedDemo, statementCsv } from '../../scripts/demo-seed.js';
import { bearer } from '../support/bank.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../test-app.js';

/** `npm run demo` against the real app listening on 127.0.0.1, then explored with the key it prints. */
describe('npm run demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(() => t.close());

  it('fills an organization with receipts, a statement, affectations and a payment request', async () => {
    const today = new Date();
    const demo = await seedDemo({ baseUrl: t.config.publicUrl, adminKey: TEST_ADMIN_KEY, today });
    const get = async (path: string) => (await t.http().get(path).set(bearer(demo.key)).expect(200)).body;

    const receipts = (await get('/invoice?limit=100')).data as Record<string, unknown>[];
    expect(receipts).toHaveLength(5);
    expect(receipts.every((r) => typeof r.receipt_path === 'string')).toBe(true);
    expect(receipts.find((r) => r.reference === 'F-2026-042')).toMatchObject({
      amount: '1000.50',
      amount_with_vat: '1200.60',
      type: 'vente',
      status: true,
    });
    // A receipt's file is the PDF the demo made.
    const file = await t
      .http()
      .get(receipts[0].receipt_path as string)
      .set(bearer(demo.key))
      .buffer(true);
    expect({ status: file.status, type: file.headers['content-type'] }).toEqual({
      status: 200,
      type: 'application/pdf',
    });

    const csvLines = statementCsv(today).trim().split('\n').length - 1;
    expect(demo.imported).toEqual({ created: csvLines, rejected: 0 });
    const lines = (await get(`/api/v1/bank-operations?bankAccountId=${demo.bankAccountId}&limit=100`))
      .data as { label: string; amount: string; justification: string }[];
    expect(lines).toHaveLength(csvLines);
    const byLabel = (label: string) => lines.find((l) => l.label === label);
    expect(byLabel('PRLV SEPA SCI DES TILLEULS LOYER-2611')).toMatchObject({
      amount: '-1200.00',
      justification: 'justified',
    });
    expect(byLabel('FRAIS TENUE DE COMPTE')).toMatchObject({ justification: 'not_needed' });
    expect(byLabel('CB AMAZON EU SARL')).toMatchObject({ justification: 'missing' });

    // Four receipts are on the statement: one affected by hand, the three others by auto-match.
    const affectations = (await get('/api/v1/affectations?limit=100')).data as { origin: string }[];
    expect(affectations.map((a) => a.origin).sort()).toEqual([
      'auto_match',
      'auto_match',
      'auto_match',
      'manual',
    ]);
    expect(demo.autoMatched).toBe(3);
    expect(receipts.filter((r) => r.status === true)).toHaveLength(4);

    const requests = (await get('/api/v1/payment-requests')).data as { id: string; amount: string }[];
    expect(requests).toEqual([expect.objectContaining({ id: demo.paymentRequestId, amount: '1200.60' })]);
    const invoice = await get(`/api/v1/${demo.paymentRequestId}/invoice/url`);
    expect(invoice).toMatchObject({ filename: 'facture-F-2026-042.pdf', mimeType: 'application/pdf' });
  });

  it('can run again: each run makes its own organization', async () => {
    const first = await seedDemo({ baseUrl: t.config.publicUrl, adminKey: TEST_ADMIN_KEY });
    const second = await seedDemo({ baseUrl: t.config.publicUrl, adminKey: TEST_ADMIN_KEY });
    expect(second.organizationId).not.toBe(first.organizationId);
    const receipts = await t.http().get('/invoice').set(bearer(second.key)).expect(200);
    expect(receipts.body.data).toHaveLength(5);
  });

  it('says plainly when the key is wrong or the app is not running', async () => {
    await expect(seedDemo({ baseUrl: t.config.publicUrl, adminKey: 'pk_wrong' })).rejects.toThrow(
      /POST \/api\/v1\/organizations answered 401/,
    );
    await expect(seedDemo({ baseUrl: 'http://127.0.0.1:9', adminKey: TEST_ADMIN_KEY })).rejects.toThrow(
      /cannot reach the API at http:\/\/127\.0\.0\.1:9 .*npm start/,
    );
  });
});
