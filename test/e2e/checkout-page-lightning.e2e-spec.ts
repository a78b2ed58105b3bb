import bolt11 from 'bolt11';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { chromiumAvailable, itWithChromium, launchChromium } from '../support/browser.js';
import { bearer, createStore, jsQR, postInvoice, SEED_RATES, VPUB, ZPUB } from '../support/checkout.js';
import { startFakeLnd, type FakeLnd } from '../support/fake-lnd.js';
import {
  createOrganization,
  createTestApp,
  TEST_ADMIN_KEY,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

/**
 * Lightning on the hosted checkout page (issue 12 §3): the public route that issues the invoice for what
 * is due, its refusals, and in a real Chromium the choice, the QR code, the BOLT #11, the payment settled
 * at the (dev) node and the page turning paid, under the page's unchanged CSP.
 */
const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };
const ENV = {
  ...SEED_RATES,
  LIGHTNING_POLL_SECONDS: '1',
};
const MISSING = '6f1c0a52-3b1e-4d7a-9a51-0d8c3e2b7f10';

/**
 * The server's QR code as a camera would read it: qr-svg.ts draws one unit square per dark module
 * (`M{x} {y}h1v1h-1z`) on a white square, so the modules rasterize exactly, 8 pixels each.
 */
function readQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const scale = 8;
  const side = size * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const i = ((Number(y) * scale + dy) * side + Number(x) * scale + dx) * 4;
        rgba.fill(0, i, i + 3);
      }
    }
  }
  return jsQR(rgba, side, side)?.data ?? null;
}

interface CheckoutLightning {
  bolt11: string;
  paymentHash: string;
  btcAmount: string;
  expiresAt: string;
  qrSvg: string;
}

/** A store and one invoice of 1001.54 EUR in it (one store per key in an organization). */
function invoices(t: () => TestApp) {
  let org: TestOrganization | undefined;
  let keys: string[] = [];
  return {
    org: () => org!,
    async create(body: object = {}): Promise<{ id: string; checkout_url: string; storeId: string }> {
      if (!org || keys.length === 0) {
        org = await createOrganization(t(), 'Lightning checkout SARL');
        keys = [VPUB, ZPUB];
      }
      const store = await createStore(t(), org.key, {
        name: 'Boutique Éclair',
        derivationScheme: keys.shift(),
      });
      const res = await postInvoice(t(), store.id, bearer(org.key), {
        amount: '1001.54',
        customer_email: 'customer@example.com',
        success_redirect_url: null,
        ...body,
      }).expect(201);
      return { ...(res.body as { id: string; checkout_url: string }), storeId: store.id };
    },
  };
}

interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
  offsite: string[];
}

/** The page in a fresh context that records CSP violations, console errors and any request off the app. */
async function open(browser: Browser, base: string, url: string, locale: string): Promise<Opened> {
  const context = await browser.newContext({ locale });
  await context.addInitScript(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
    });
  `);
  const page = await context.newPage();
  const problems: string[] = [];
  const offsite: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(`${base}/`)) return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  return { context, page, problems, offsite };
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.cspViolations ?? []');
}

describe('checkout page: Lightning beside on-chain (dev backend)', () => {
  let t: TestApp;
  let db: DataSource;
  let browser: Browser | undefined;
  const made = invoices(() => t);

  beforeAll(async () => {
    t = await createTestApp(ENV, { listen: true });
    db = t.app.get(DataSource);
    if (chromiumAvailable()) browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const lightning = (id: string) => t.http().post(`/checkout/${id}/lightning`);

  it('issues, without credentials, a BOLT #11 for what is due with the QR code of lightning:<BOLT11>; again, the same one', async () => {
    const invoice = await made.create();
    const before = Math.floor(Date.now() / 1000);
    const res = await lightning(invoice.id).expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as CheckoutLightning;
    expect(Object.keys(body).sort()).toEqual(['bolt11', 'btcAmount', 'expiresAt', 'paymentHash', 'qrSvg']);
    // 1001.54 EUR at the fixed rate, rounded up to the satoshi: what the on-chain side asks too.
    expect(body.btcAmount).toBe('0.04576250');
    const decoded = bolt11.decode(body.bolt11, REGTEST);
    expect(decoded.millisatoshis).toBe('4576250000');
    expect(decoded.tagsObject.payment_hash).toBe(body.paymentHash);
    expect(decoded.timestamp).toBeGreaterThanOrEqual(before);
    expect(new Date(body.expiresAt).getTime() / 1000).toBe(decoded.timeExpireDate);
    expect(readQrSvg(body.qrSvg)).toBe(`lightning:${body.bolt11.toUpperCase()}`);

    // The page's invoice is its payment request: the canonical resource lists the Lightning invoice.
    const listed = await t
      .http()
      .get(`/api/v1/payment-requests/${invoice.id}/lightning-invoices`)
      .set(bearer(made.org().key))
      .expect(200);
    expect(listed.body.data.map((p: { paymentHash: string }) => p.paymentHash)).toEqual([body.paymentHash]);

    // Clicking again makes no new invoice.
    const again = await lightning(invoice.id).expect(200);
    expect(again.body.paymentHash).toBe(body.paymentHash);
  });

  it('404 for an unknown or malformed id', async () => {
    for (const id of [MISSING, 'not-a-uuid']) {
      const res = await lightning(id).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'CHECKOUT_INVOICE_NOT_FOUND' });
    }
  });

  it('409 once paid, cancelled or expired, with a plain sentence and no details', async () => {
    const paid = await made.create();
    await t
      .http()
      .post(`/api/v1/invoices/${paid.id}/charges`)
      .set(bearer(made.org().key))
      .send({ amount: '1001.54', chargeType: 'transfer' })
      .expect(201);
    const cancelled = await made.create();
    await t
      .http()
      .post(`/api/v1/payment-requests/${cancelled.id}/cancel`)
      .set(bearer(made.org().key))
      .expect(200);
    const expired = await made.create();
    await db.query(`UPDATE checkout_invoices SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expired.id,
    ]);
    for (const [invoice, code] of [
      [paid, 'PAYMENT_REQUEST_NOTHING_DUE'],
      [cancelled, 'PAYMENT_REQUEST_NOT_PAYABLE'],
      [expired, 'CHECKOUT_INVOICE_EXPIRED'],
    ] as const) {
      const res = await lightning(invoice.id).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        code,
        message: expect.any(String),
        requestId: expect.any(String),
      });
      expect(res.body.message).not.toMatch(/EUR|\d/);
    }
    // None of them got a Lightning invoice.
    const [{ count }] = await db.query<{ count: string }[]>(
      `SELECT count(*) FROM lightning_payments WHERE payment_request_id = ANY($1)`,
      [[paid.id, cancelled.id, expired.id]],
    );
    expect(count).toBe('0');
    // And their pages offer no Lightning.
    for (const invoice of [paid, cancelled, expired]) {
      expect((await t.http().get(`/checkout/${invoice.id}`).expect(200)).text).not.toContain(
        'method-lightning',
      );
    }
  });

  itWithChromium(
    'the customer chooses Lightning, sees the QR code and the BOLT #11, pays, and the page turns paid',
    async () => {
      const invoice = await made.create();
      const opened = await open(browser!, t.config.publicUrl, invoice.checkout_url, 'fr-FR');
      const { page, context } = opened;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.config.publicUrl });
      await page.getByText('En attente de votre paiement…').waitFor({ state: 'visible', timeout: 5000 });
      expect(await page.locator('#lightning').isHidden()).toBe(true);

      await page.locator('#method-lightning').click();
      await page.locator('#ln-qr svg').waitFor({ state: 'visible', timeout: 10_000 });
      expect(await page.locator('#onchain').isHidden()).toBe(true);
      await expect(page.locator('#method-lightning').getAttribute('aria-pressed')).resolves.toBe('true');
      const text = (await page.locator('#ln-bolt11').textContent()) ?? '';
      const decoded = bolt11.decode(text, REGTEST);
      expect(decoded.millisatoshis).toBe('4576250000');
      await expect(page.locator('#ln-btc-amount').textContent()).resolves.toBe('0,04576250');
      await expect(page.locator('#ln-open').getAttribute('href')).resolves.toBe(`lightning:${text}`);
      await expect(page.locator('#ln-qr').getAttribute('href')).resolves.toBe(`lightning:${text}`);
      expect(readQrSvg(await page.locator('#ln-qr').innerHTML())).toBe(`lightning:${text.toUpperCase()}`);
      await page.locator('#copy-bolt11').click();
      await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(text);

      // On-chain and back: the same invoice, none made anew.
      await page.locator('#method-onchain').click();
      await page.locator('a.qr').waitFor({ state: 'visible' });
      await page.locator('#method-lightning').click();
      await expect(page.locator('#ln-bolt11').textContent()).resolves.toBe(text);
      const [{ count }] = await db.query<{ count: string }[]>(
        'SELECT count(*) FROM lightning_payments WHERE payment_request_id = $1',
        [invoice.id],
      );
      expect(count).toBe('1');

      // Paid at the node: the watcher adds the lightning charge, the page's polling sees it paid.
      await t
        .http()
        .post(`/api/v1/lightning/dev/invoices/${decoded.tagsObject.payment_hash}/settle`)
        .set(bearer(TEST_ADMIN_KEY))
        .expect(200);
      await page.getByText('Payé. Merci\u00a0!').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await page.locator('.pay').isHidden()).toBe(true);
      // Seed 003's status follows its payment request's events (a second at most), as for any charge
      // that is not its own chain payment.
      let status: unknown;
      for (let i = 0; i < 100 && status !== 'PAID'; i++) {
        const seed = await t
          .http()
          .get(`/api/v1/checkout/stores/${invoice.storeId}/invoices/${invoice.id}`)
          .set(bearer(made.org().key))
          .expect(200);
        status = seed.body.status;
        if (status !== 'PAID') await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe('PAID');

      expect({
        violations: await violations(page),
        problems: opened.problems,
        offsite: opened.offsite,
      }).toEqual({ violations: [], problems: [], offsite: [] });
      await context.close();
    },
    60_000,
  );
});

describe('checkout page: Lightning with the backend down (a fake LND that fails)', () => {
  let lnd: FakeLnd;
  let t: TestApp;
  let browser: Browser | undefined;
  const made = invoices(() => t);

  beforeAll(async () => {
    lnd = await startFakeLnd();
    t = await createTestApp(
      {
        ...ENV,
        LIGHTNING_BACKEND: 'lnd',
        LND_REST_URL: lnd.url,
        LND_MACAROON_HEX: lnd.macaroonHex,
        LND_TLS_CERT_PATH: lnd.tls.certPath,
        LND_TIMEOUT_SECONDS: '2',
      },
      { listen: true },
    );
    if (chromiumAvailable()) browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await lnd?.close();
  });

  itWithChromium(
    '503 LIGHTNING_UNAVAILABLE without the node’s words; the page says so in a sentence, and works once the node is back',
    async () => {
      const invoice = await made.create();
      lnd.failing = 500;
      const res = await t.http().post(`/checkout/${invoice.id}/lightning`).expect(503);
      expect(res.body).toEqual({
        statusCode: 503,
        code: 'LIGHTNING_UNAVAILABLE',
        message: 'Lightning is unavailable right now; try again later',
        requestId: expect.any(String),
      });

      const opened = await open(browser!, t.config.publicUrl, invoice.checkout_url, 'en-US');
      const { page } = opened;
      await page.locator('#method-lightning').click();
      await page
        .getByText('Lightning is unavailable right now. Try again in a moment, or pay on-chain.')
        .waitFor({ state: 'visible', timeout: 10_000 });
      expect(await page.locator('#ln-invoice').isHidden()).toBe(true);

      // Back: choosing Lightning again asks again.
      lnd.failing = undefined;
      await page.locator('#method-onchain').click();
      await page.locator('#method-lightning').click();
      await page.locator('#ln-qr svg').waitFor({ state: 'visible', timeout: 10_000 });
      const text = (await page.locator('#ln-bolt11').textContent()) ?? '';
      expect(bolt11.decode(text, REGTEST).millisatoshis).toBe('4576250000');

      expect(await violations(page)).toEqual([]);
      // The browser logs the 503 it was answered; nothing else.
      expect(opened.problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
      expect(opened.offsite).toEqual([]);
      await opened.context.close();
    },
    60_000,
  );
});

describe('checkout page: no Lightning backend (LIGHTNING_BACKEND=none)', () => {
  let t: TestApp;
  const made = invoices(() => t);

  beforeAll(async () => {
    t = await createTestApp({ ...ENV, LIGHTNING_BACKEND: 'none' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('offers no Lightning, and its route answers 404', async () => {
    const invoice = await made.create();
    const page = await t.http().get(`/checkout/${invoice.id}`).expect(200);
    expect(page.text).not.toContain('method-lightning');
    expect(page.text).not.toContain('id="lightning"');
    for (const id of [invoice.id, MISSING, 'not-a-uuid']) {
      const res = await t.http().post(`/checkout/${id}/lightning`).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    }
  });
});
