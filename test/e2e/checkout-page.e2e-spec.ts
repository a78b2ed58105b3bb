import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { chromiumAvailable, itWithChromium, launchChromium } from '../support/browser.js';
import {
  bearer,
  createStore,
  jsQR,
  postInvoice,
  SEED_RATES,
  startStoreSite,
  VPUB,
  ZPUB,
} from '../support/checkout.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * The hosted checkout page (issue 11 §6) in a real Chromium: what the customer sees, the QR code as a
 * phone would read it, the copy button, the countdown, the language, the live status that sends the
 * customer back to the store once a charge covers the invoice, and a policy that lets nothing else run.
 */
interface Invoice {
  id: string;
  amount: string;
  btc_amount: string;
  btc_address: string;
  payment_url: string;
  checkout_url: string;
}

describe('hosted checkout page /checkout/{invoice_id}', () => {
  let t: TestApp;
  let db: DataSource;
  let org: TestOrganization;
  let browser: Browser | undefined;
  let base: string;
  let site: Awaited<ReturnType<typeof startStoreSite>>;

  beforeAll(async () => {
    t = await createTestApp(SEED_RATES, { listen: true });
    db = t.app.get(DataSource);
    base = t.config.publicUrl;
    site = await startStoreSite();
    org = await createOrganization(t, 'Checkout page SARL');
    if (chromiumAvailable()) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site.server.close(resolve));
    await t.close();
  });

  let keys = [VPUB, ZPUB];
  async function createInvoice(storeName = 'Boutique Lumière', body: object = {}): Promise<Invoice> {
    // One store per key in an organization: a fresh organization when both keys are taken.
    if (keys.length === 0) {
      org = await createOrganization(t, 'Checkout page SARL');
      keys = [VPUB, ZPUB];
    }
    const store = await createStore(t, org.key, { name: storeName, derivationScheme: keys.shift() });
    const res = await postInvoice(t, store.id, bearer(org.key), {
      amount: '1001.54',
      customer_email: 'customer@example.com',
      success_redirect_url: `${site.url}/process/success?order=42`,
      error_redirect_url: `${site.url}/process/error`,
      ...body,
    }).expect(201);
    return res.body as Invoice;
  }

  /** A charge (seed 004): of the whole amount, the invoice is paid. */
  async function pay(invoice: Invoice, amount = invoice.amount): Promise<void> {
    await t
      .http()
      .post(`/api/v1/invoices/${invoice.id}/charges`)
      .set(bearer(org.key))
      .send({ amount, chargeType: 'transfer' })
      .expect(201);
  }

  interface Opened {
    context: BrowserContext;
    page: Page;
    /** CSP violations the page reported, and console errors. */
    problems: string[];
    offsite: string[];
  }

  async function open(url: string, locale = 'en-US'): Promise<Opened> {
    const context = await browser!.newContext({ locale });
    const problems: string[] = [];
    const offsite: string[] = [];
    // Registered before any of the page's own scripts: every violation the page reports is kept.
    await context.addInitScript(`
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
      });
    `);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.route('**/*', (route) => {
      const target = route.request().url();
      if (target.startsWith(`${base}/`) || target.startsWith(`${site.url}/`)) return route.continue();
      offsite.push(target);
      return route.abort();
    });
    await page.goto(url);
    return { context, page, problems, offsite };
  }

  async function close(opened: Opened): Promise<void> {
    const violations = await opened.page
      .evaluate<string[]>('window.cspViolations ?? []')
      .catch(() => [] as string[]);
    await opened.context.close();
    expect({ violations, problems: opened.problems, offsite: opened.offsite }).toEqual({
      violations: [],
      problems: [],
      offsite: [],
    });
  }

  /** The QR code as a camera would see it: the page's SVG rasterized, then read by jsQR in Node. */
  async function readQr(page: Page): Promise<string | null> {
    // The link around the QR code holds its <svg> alone.
    const svg = await page.locator('a.qr').innerHTML();
    // A blank page of the same browser (no CSP of ours there) draws it on a canvas.
    process.stderr.write(`Q0 ${Date.now() % 100000}\n`);
    const canvasPage = await page.context().newPage();
    process.stderr.write(`Q1 ${Date.now() % 100000}\n`);
    // One byte a pixel (the red channel: the code is black on white) in a latin1 string: quick to hand over.
    const side = 400;
    const gray = await canvasPage.evaluate<string>(`(async (markup) => {
      const image = new Image();
      image.src = 'data:image/svg+xml;base64,' + btoa(markup);
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = ${side};
      canvas.height = ${side};
      const ctx = canvas.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(image, 0, 0, ${side}, ${side});
      const rgba = ctx.getImageData(0, 0, ${side}, ${side}).data;
      const bytes = new Uint8Array(rgba.length / 4);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rgba[i * 4];
      let text = '';
      for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return text;
    })(${JSON.stringify(svg)})`);
    await canvasPage.close();
    const rgba = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < side * side; i++) {
      const v = gray.charCodeAt(i);
      rgba.set([v, v, v, 255], i * 4);
    }
    const code = jsQR(rgba, side, side);
    return code?.data ?? null;
  }

  itWithChromium(
    'shows the store, both amounts, the address with a copy button, a QR code of the BIP21 URI and a countdown, under its strict CSP',
    async () => {
      const invoice = await createInvoice();
      expect(invoice.checkout_url).toBe(`${base}/checkout/${invoice.id}`);
      const opened = await open(invoice.checkout_url);
      const { page } = opened;
      await opened.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });

      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.title()).resolves.toBe('Pay Boutique Lumière');
      await expect(page.locator('.store').textContent()).resolves.toBe('Boutique Lumière');
      await expect(page.locator('#fiat-amount').textContent()).resolves.toBe('1,001.54 EUR');
      await expect(page.locator('#btc-amount').textContent()).resolves.toBe('0.04576250');
      await expect(page.locator('#btc-address').textContent()).resolves.toBe(invoice.btc_address);
      await page.getByText('Waiting for your payment…').waitFor({ state: 'visible', timeout: 5000 });
      await expect(page.locator('#return-to-store').getAttribute('href')).resolves.toBe(
        `${site.url}/process/error`,
      );
      await expect(page.locator('#return-to-store').textContent()).resolves.toBe('Return to store');

      // The QR code reads back as the invoice's BIP21 URI, exactly.
      await expect(readQr(page)).resolves.toBe(invoice.payment_url);
      expect(invoice.payment_url).toBe(`bitcoin:${invoice.btc_address}?amount=0.0457625`);

      // Copy: the address lands on the clipboard (and is selected).
      await page.locator('#copy-address').click();
      await expect(page.locator('#copy-address').textContent()).resolves.toBe('Copied');
      await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(
        invoice.btc_address,
      );
      await expect(page.evaluate<string>('String(window.getSelection())')).resolves.toBe(invoice.btc_address);

      // The countdown runs: 15 minutes at most, and less a little later.
      const clock = async () => {
        const [m, s] = ((await page.locator('#countdown').textContent()) ?? '').split(':').map(Number);
        return m * 60 + s;
      };
      const first = await clock();
      expect(first).toBeGreaterThan(14 * 60);
      expect(first).toBeLessThanOrEqual(15 * 60);
      // Read from here: the page's policy forbids the eval that page.waitForFunction would use.
      const until = Date.now() + 5000;
      while ((await clock()) >= first && Date.now() < until) await page.waitForTimeout(200);
      expect(await clock()).toBeLessThan(first);
      await close(opened);
    },
    60_000,
  );

  it('answers with its own headers: strict CSP, no-store, no-referrer, Vary: Accept-Language', async () => {
    const invoice = await createInvoice();
    const res = await t.http().get(`/checkout/${invoice.id}`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
    );
    expect(csp).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': 'data:',
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers.vary).toMatch(/\bAccept-Language\b/);
    // No inline script or style at all: the policy would refuse them.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // Nothing about the customer.
    expect(res.text).not.toContain('customer@example.com');

    for (const asset of ['checkout.js', 'checkout.css']) {
      const link = new RegExp(`/checkout/assets/${asset.replace('.', '\\.')}\\?v=[0-9a-f]{16}`).exec(
        res.text,
      );
      expect(link).not.toBeNull();
      const file = await t.http().get(link![0]).expect(200);
      expect(file.headers['content-type']).toMatch(
        asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
    }
    await t.http().get('/checkout/assets/other.js').expect(404);
  });

  it('the status endpoint answers the status, the time left and what is due, nothing personal', async () => {
    const invoice = await createInvoice();
    const res = await t.http().get(`/checkout/${invoice.id}/status`).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      status: 'new',
      seconds_left: expect.any(Number),
      still_watched: true,
      amount_due: '1001.54',
      currency: 'EUR',
      btc_due: '0.04576250',
    });
    expect(res.body.seconds_left).toBeGreaterThan(14 * 60);

    // Half paid: half due, in BTC at the invoice's rate, rounded up to the satoshi.
    await t
      .http()
      .post(`/api/v1/invoices/${invoice.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '500.77', chargeType: 'cash' })
      .expect(201);
    const half = await t.http().get(`/checkout/${invoice.id}/status`).expect(200);
    expect(half.body).toMatchObject({ status: 'new', amount_due: '500.77', btc_due: '0.02288125' });

    await t
      .http()
      .post(`/api/v1/invoices/${invoice.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '500.77', chargeType: 'cash' })
      .expect(201);
    const paid = await t.http().get(`/checkout/${invoice.id}/status`).expect(200);
    expect(paid.body).toMatchObject({ status: 'paid', amount_due: '0.00', btc_due: '0.00000000' });

    for (const id of ['6f1c0a52-3b1e-4d7a-9a51-0d8c3e2b7f10', 'not-a-uuid']) {
      const missing = await t.http().get(`/checkout/${id}/status`).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, code: 'CHECKOUT_INVOICE_NOT_FOUND' });
    }
  });

  itWithChromium(
    'speaks French after Accept-Language, q-values honoured',
    async () => {
      const invoice = await createInvoice();
      const opened = await open(invoice.checkout_url, 'fr-FR');
      const { page } = opened;
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
      await expect(page.locator('h1').textContent()).resolves.toBe('Payer en bitcoins');
      await expect(page.locator('#fiat-amount').textContent()).resolves.toBe('1\u202f001,54 EUR');
      await expect(page.locator('#btc-amount').textContent()).resolves.toBe('0,04576250');
      await page.getByText('En attente de votre paiement…').waitFor({ state: 'visible', timeout: 5000 });
      await expect(page.locator('#return-to-store').textContent()).resolves.toBe('Retour à la boutique');
      await close(opened);

      const english = await t
        .http()
        .get(`/checkout/${invoice.id}`)
        .set('Accept-Language', 'fr;q=0.3, en-GB;q=0.8, de')
        .expect(200);
      expect(english.text).toContain('<html lang="en">');
      const french = await t
        .http()
        .get(`/checkout/${invoice.id}`)
        .set('Accept-Language', 'de-CH, fr;q=0.9, en;q=0.8')
        .expect(200);
      expect(french.text).toContain('<html lang="fr">');
    },
    60_000,
  );

  itWithChromium(
    'shows a partial payment live, and once charges cover the invoice sends the customer to success_redirect_url',
    async () => {
      const invoice = await createInvoice();
      const opened = await open(invoice.checkout_url);
      const { page } = opened;
      await page.getByText('Waiting for your payment…').waitFor({ state: 'visible', timeout: 5000 });
      const partial = page.locator('#partial');
      expect(await partial.isHidden()).toBe(true);

      // Half of it: at its next poll the page says what is left, in both currencies.
      await pay(invoice, '500.77');
      await partial.waitFor({ state: 'visible', timeout: 15_000 });
      await expect(partial.textContent()).resolves.toBe(
        'Partial payment received. Still due: 500.77 EUR (0.02288125 BTC)',
      );
      expect(page.url()).toBe(invoice.checkout_url);
      // What is left is what to send, in the QR code too.
      await expect(page.locator('#btc-amount').textContent()).resolves.toBe('0.02288125');
      await expect(readQr(page)).resolves.toBe(`bitcoin:${invoice.btc_address}?amount=0.02288125`);

      const before = site.hits.length;
      await pay(invoice, '500.77');
      // The script polls every 5 s and leaves 1.5 s after showing "Paid": a few intervals at most.
      await page.waitForURL(`${site.url}/process/success?order=42`, { timeout: 20_000 });
      await expect(page.locator('h1').textContent()).resolves.toBe('Back at the store');
      expect(site.hits.slice(before)).toContain('/process/success?order=42');
      await opened.context.close();
      expect({ problems: opened.problems, offsite: opened.offsite }).toEqual({ problems: [], offsite: [] });
    },
    60_000,
  );

  itWithChromium(
    'a paid invoice without a success URL says so and stays',
    async () => {
      const invoice = await createInvoice('Boutique', { success_redirect_url: null });
      await pay(invoice);
      const opened = await open(invoice.checkout_url);
      await opened.page.getByText('Paid. Thank you!').waitFor({ state: 'visible', timeout: 5000 });
      await opened.page.locator('.pay').waitFor({ state: 'hidden', timeout: 5000 });
      expect(await opened.page.locator('#continue').count()).toBe(0);
      await close(opened);
    },
    60_000,
  );

  itWithChromium(
    'an expired invoice says so, and that a payment made is still detected during monitoring',
    async () => {
      const invoice = await createInvoice();
      await db.query(`UPDATE checkout_invoices SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
        invoice.id,
      ]);
      const opened = await open(invoice.checkout_url);
      const { page } = opened;
      await page.getByText('This invoice has expired').waitFor({ state: 'visible', timeout: 5000 });
      await page
        .getByText('If you already paid, your payment will still be detected.')
        .waitFor({ state: 'visible', timeout: 5000 });
      await page.locator('.pay').waitFor({ state: 'hidden', timeout: 5000 });
      await close(opened);

      await db.query(
        `UPDATE checkout_invoices SET monitoring_until = now() - interval '1 second' WHERE id = $1`,
        [invoice.id],
      );
      const closed = await t.http().get(`/checkout/${invoice.id}/status`).expect(200);
      expect(closed.body).toMatchObject({ status: 'expired', seconds_left: 0, still_watched: false });
      const text = (await t.http().get(`/checkout/${invoice.id}`).expect(200)).text;
      expect(text).toMatch(/<p data-watched="false">If you already paid, contact the store\.<\/p>/);
    },
    60_000,
  );

  itWithChromium(
    'an unknown or malformed id gets a 404 page, not JSON',
    async () => {
      for (const id of ['6f1c0a52-3b1e-4d7a-9a51-0d8c3e2b7f10', 'not-a-uuid', '%3Cscript%3E']) {
        const res = await t.http().get(`/checkout/${id}`).expect(404);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.headers['content-security-policy']).toContain("default-src 'none'");
        expect(res.text).toContain('Invoice not found');
        expect(res.text).not.toContain('<script>');
      }
      const opened = await open(`${base}/checkout/6f1c0a52-3b1e-4d7a-9a51-0d8c3e2b7f10`, 'fr');
      await expect(opened.page.locator('h1').textContent()).resolves.toBe('Facture introuvable');
      await close(opened);
    },
    60_000,
  );

  itWithChromium(
    "escapes the store's name: markup in it is shown as text and runs nothing",
    async () => {
      const name = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>"'&`;
      const invoice = await createInvoice(name);
      const opened = await open(invoice.checkout_url);
      const { page } = opened;
      await expect(page.locator('.store').textContent()).resolves.toBe(name);
      await expect(page.title()).resolves.toBe(`Pay ${name}`);
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('body script').count()).toBe(0);
      await close(opened);
    },
    60_000,
  );
});
