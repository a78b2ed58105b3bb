import bolt11 from 'bolt11';
import { DataSource } from 'typeorm';
import { FileStorage } from '../../src/storage/file-storage.js';
import { PDF, PNG } from '../fixtures/files.js';
import { startFakeLnd, type FakeLnd } from '../support/fake-lnd.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * Seed 000's three routes as a client sees them when the app runs on LND (LIGHTNING_BACKEND=lnd, LND's
 * REST API faked on 127.0.0.1 with its own TLS certificate and macaroon): the payer pays at the node, the
 * app learns it by asking the node.
 */
const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };
const PRICE_SATS = 2100;
const EXPIRY = 900;
const UNAVAILABLE = {
  success: false,
  message: 'Lightning payments are unavailable right now; please try again in a few minutes.',
};

interface Issued {
  success: true;
  message: string;
  payment_hash: string;
  payment_request: string;
  date: string;
}

describe('Pay-to-upload (seed 000) on LND', () => {
  let lnd: FakeLnd;
  let lndClosed = false;
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    lnd = await startFakeLnd();
    const admin = await createTestApp();
    try {
      org = await createOrganization(admin, 'Pay-to-upload on LND SARL');
    } finally {
      await admin.close();
    }
    t = await createTestApp(
      {
        LIGHTNING_BACKEND: 'lnd',
        LND_REST_URL: lnd.url,
        LND_MACAROON_HEX: lnd.macaroonHex,
        LND_TLS_CERT_PATH: lnd.tls.certPath,
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
    if (!lndClosed) await lnd?.close();
  });

  /** An invoice from GET /getInvoice, decoded: LND's signature, our price, its hash, our expiry. */
  const getInvoice = async (): Promise<Issued> => {
    const res = await t.http().get('/getInvoice').expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Invoice generated successfully.',
      payment_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      payment_request: expect.stringMatching(/^lnbcrt/),
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
    });
    const issued = res.body as Issued;
    const decoded = bolt11.decode(issued.payment_request, REGTEST);
    expect(decoded.complete).toBe(true);
    expect(decoded.payeeNodeKey).toBe(lnd.nodeId);
    expect(decoded.millisatoshis).toBe(String(PRICE_SATS * 1000));
    expect(decoded.tags.find((tag) => tag.tagName === 'payment_hash')?.data).toBe(issued.payment_hash);
    expect(decoded.timeExpireDate! - decoded.timestamp!).toBe(EXPIRY);
    expect(new Date(issued.date).getTime()).toBe(decoded.timestamp! * 1000);
    return issued;
  };
  const pairOf = (invoice: Issued) => ({ payment_hash: invoice.payment_hash, date: invoice.date });
  const getSignedUrl = async (body: object) =>
    (await t.http().post('/getSignedUrl').send(body).expect(200)).body as unknown;
  const upload = async (
    fields: { payment_hash: string; date: string },
    file = { content: PDF, name: 'facture.pdf' },
    fieldsFirst = false,
  ) => {
    let req = t.http().post('/checkUploadedFile');
    const addFields = () => {
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    };
    if (fieldsFirst) addFields();
    req = req.attach('file', file.content, file.name);
    if (!fieldsFirst) addFields();
    return (await req.expect(200)).body as { success: boolean; message: string; url?: string };
  };
  /** Every stored file of the organization is named by an upload row: a refused upload left none. */
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

  // The app's Lightning watcher also looks up, at this LND, the open payment-request invoices the run's
  // shared database holds: only the requests of a kind are compared.
  const created = () => lnd.requests.filter((r) => r.method === 'POST' && r.path === '/v1/invoices');
  const lookups = (hash: string) => lnd.requests.filter((r) => r.path === `/v1/invoice/${hash}`);

  it('issues the invoice at LND, says unpaid until LND settles it, takes the file, and the link opens it', async () => {
    const invoice = await getInvoice();
    expect(created().at(-1)).toEqual({
      method: 'POST',
      path: '/v1/invoices',
      body: {
        memo: `Upload of one file (${PRICE_SATS} sats)`,
        value_msat: String(PRICE_SATS * 1000),
        expiry: String(EXPIRY),
      },
    });
    const pair = pairOf(invoice);
    const looked = lookups(invoice.payment_hash).length;
    expect(await getSignedUrl(pair)).toEqual({
      success: false,
      message: 'The invoice has not been paid yet.',
    });
    expect(lookups(invoice.payment_hash)).toHaveLength(looked + 1);
    expect(lookups(invoice.payment_hash).at(-1)).toMatchObject({ method: 'GET' });

    lnd.settle(invoice.payment_hash);
    expect(await getSignedUrl(pair)).toEqual({ success: true });

    const uploaded = await upload(pair, { content: PNG, name: 'reçu.png' });
    expect(uploaded).toEqual({
      success: true,
      message: 'File uploaded',
      url: expect.stringMatching(/^http/),
    });
    // No credentials: the URL alone opens the file.
    const file = await fetch(uploaded.url!);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
    expect(file.headers.get('content-type')).toBe('image/png');

    // One paid invoice, one upload.
    expect(await upload(pair)).toEqual({
      success: false,
      message: 'This invoice has already been used to upload a file.',
    });
    await expectNoStrayFiles();
  });

  it('answers HEAD /getInvoice without asking LND for an invoice', async () => {
    const asked = created().length;
    const res = await t.http().head('/getInvoice').expect(200);
    expect(res.text ?? '').toBe('');
    expect(created()).toHaveLength(asked);
  });

  it('refuses an invoice LND cancelled, or that expired unpaid (open or cancelled past its expiry), on both routes', async () => {
    const cases: Array<[string, (hash: string) => void, string]> = [
      ['cancelled', (h) => lnd.cancel(h), 'The invoice was cancelled; ask for a new one.'],
      ['expired, open', (h) => lnd.outlive(h), 'The invoice expired before it was paid; ask for a new one.'],
      [
        'expired, cancelled by LND',
        (h) => {
          lnd.outlive(h);
          lnd.cancel(h);
        },
        'The invoice expired before it was paid; ask for a new one.',
      ],
    ];
    for (const [what, change, message] of cases) {
      const invoice = await getInvoice();
      change(invoice.payment_hash);
      const pair = pairOf(invoice);
      expect({ what, answer: await getSignedUrl(pair) }).toEqual({
        what,
        answer: { success: false, message },
      });
      for (const fieldsFirst of [true, false]) {
        expect({ what, fieldsFirst, answer: await upload(pair, undefined, fieldsFirst) }).toEqual({
          what,
          fieldsFirst,
          answer: { success: false, message },
        });
      }
    }
    await expectNoStrayFiles();
  });

  it('answers "unavailable" on the three routes, HTTP 200, while LND fails, and works again after', async () => {
    const paid = await getInvoice();
    lnd.settle(paid.payment_hash);
    lnd.failing = 500;
    try {
      expect((await t.http().get('/getInvoice').expect(200)).body).toEqual(UNAVAILABLE);
      expect(await getSignedUrl(pairOf(paid))).toEqual(UNAVAILABLE);
      expect(await upload(pairOf(paid))).toEqual(UNAVAILABLE);
      expect(await upload(pairOf(paid), undefined, true)).toEqual(UNAVAILABLE);
    } finally {
      lnd.failing = undefined;
    }
    await expectNoStrayFiles();
    // Nothing was used while LND failed.
    expect(await upload(pairOf(paid))).toEqual(expect.objectContaining({ success: true }));
  });

  it('answers "unavailable" on the three routes, HTTP 200, when LND is down', async () => {
    const paid = await getInvoice();
    lnd.settle(paid.payment_hash);
    await lnd.close();
    lndClosed = true;
    expect((await t.http().get('/getInvoice').expect(200)).body).toEqual(UNAVAILABLE);
    expect(await getSignedUrl(pairOf(paid))).toEqual(UNAVAILABLE);
    expect(await upload(pairOf(paid))).toEqual(UNAVAILABLE);
    expect(await upload(pairOf(paid), undefined, true)).toEqual(UNAVAILABLE);
    await expectNoStrayFiles();
  });
});
