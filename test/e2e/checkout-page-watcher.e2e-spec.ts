import type { Browser } from 'playwright-core';
import { chromiumAvailable, itWithChromium, launchChromium } from '../support/browser.js';
import {
  createStore,
  DUE_SATS,
  postInvoice,
  SEED_RATES,
  startStoreSite,
  token,
  VPUB,
} from '../support/checkout.js';
import { FakeEsplora } from '../support/fake-esplora.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * The hosted checkout page and the chain watcher together (issue 11 §4 and §6), as the customer lives
 * it: the page open in Chromium, a payment to the invoice's address appears in a fake Esplora on
 * 127.0.0.1 (mempool first, then mined), the watcher (polling every second) records it, and the page
 * says the payment was detected, then sends the customer to success_redirect_url.
 */
describe('checkout page + chain watcher', () => {
  let esplora: FakeEsplora;
  let t: TestApp;
  let org: TestOrganization;
  let browser: Browser | undefined;
  let site: Awaited<ReturnType<typeof startStoreSite>>;
  let base: string;

  beforeAll(async () => {
    esplora = await FakeEsplora.start();
    site = await startStoreSite();
    t = await createTestApp(
      {
        ESPLORA_URL_TESTNET: esplora.url, // its store is testnet; the run's other invoices are not its business
        CHAIN_POLL_SECONDS: '1',
        ...SEED_RATES,
      },
      { listen: true },
    );
    base = t.config.publicUrl;
    org = await createOrganization(t, 'Page watcher SARL');
    if (chromiumAvailable()) browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    await t?.close();
    await esplora?.stop();
  });

  itWithChromium(
    'shows "payment detected" for a mempool payment, then redirects to success_redirect_url once mined',
    async () => {
      const store = await createStore(t, org.key, { derivationScheme: VPUB, confirmations: 1 });
      const created = await postInvoice(t, store.id, token(org.key), {
        amount: '1001.54',
        currency: 'EUR',
        success_redirect_url: `${site.url}/process/success?order=7`,
        error_redirect_url: `${site.url}/process/error`,
      }).expect(201);
      const invoice = created.body as {
        id: string;
        btc_address: string;
        btc_amount: string;
        checkout_url: string;
      };
      expect(invoice.btc_amount).toBe('0.04576250');

      const context = await browser!.newContext({ locale: 'en-US' });
      const problems: string[] = [];
      const offsite: string[] = [];
      const page = await context.newPage();
      page.on('pageerror', (err) => problems.push(err.message));
      await page.route('**/*', (route) => {
        const target = route.request().url();
        if (target.startsWith(`${base}/`) || target.startsWith(`${site.url}/`)) return route.continue();
        offsite.push(target);
        return route.abort();
      });
      await page.goto(invoice.checkout_url);
      await page.getByText('Waiting for your payment…').waitFor({ state: 'visible', timeout: 5000 });

      // In the mempool: the watcher records a pending charge, the page says so and stays.
      esplora.pay(invoice.btc_address, DUE_SATS);
      await page
        .getByText('Payment detected, waiting for its confirmation.')
        .waitFor({ state: 'visible', timeout: 20_000 });
      expect(page.url()).toBe(invoice.checkout_url);
      expect(site.hits).toEqual([]);
      const status = await t.http().get(`/checkout/${invoice.id}/status`).expect(200);
      expect(status.body).toMatchObject({ status: 'processing' });

      // Mined: one confirmation is the store's requirement, the invoice is PAID, the page leaves.
      esplora.mine();
      await page.waitForURL(`${site.url}/process/success?order=7`, { timeout: 25_000 });
      await expect(page.locator('h1').textContent()).resolves.toBe('Back at the store');
      expect(site.hits).toEqual(['/process/success?order=7']);
      const seed = await t
        .http()
        .get(`/api/v1/checkout/stores/${store.id}/invoices/${invoice.id}`)
        .set(token(org.key))
        .expect(200);
      expect(seed.body.status).toBe('PAID');
      await context.close();
      expect({ problems, offsite }).toEqual({ problems: [], offsite: [] });
    },
    60_000,
  );
});
