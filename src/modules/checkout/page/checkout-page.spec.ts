import { Script } from 'node:vm';
import { CHECKOUT_ASSETS } from './checkout-page.assets.js';
import { CHECKOUT_TEXTS, localizeDecimal } from './checkout-page.texts.js';
import {
  clock,
  renderCheckoutPage,
  renderNotFoundPage,
  type CheckoutPageView,
} from './checkout-page.template.js';
import { checkoutStatus, type CheckoutStatusFacts } from './checkout-status.js';
import { escapeHtml, webUrl } from './html.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const FACTS: CheckoutStatusFacts = {
  invoiceStatus: 'NEW',
  requestStatus: 'unpaid',
  amountDue: '1001.54',
  amountPending: null,
  paymentSeenAt: null,
  currency: 'EUR',
  btcRate: '0.000045692133693556',
  expiresAt: new Date('2026-11-27T12:15:00.000Z'),
  monitoringUntil: new Date('2026-11-28T12:15:00.000Z'),
};

describe('checkoutStatus', () => {
  it('new: the time left, what is due in the currency and in BTC rounded up to the satoshi', () => {
    expect(checkoutStatus(FACTS, NOW)).toEqual({
      status: 'new',
      seconds_left: 900,
      still_watched: true,
      amount_due: '1001.54',
      currency: 'EUR',
      btc_due: '0.04576250',
    });
    expect(checkoutStatus(FACTS, new Date(NOW.getTime() + 899_001)).seconds_left).toBe(1);
  });

  it('paid when the invoice is PAID or its charges cover it; nothing is due then', () => {
    for (const facts of [
      { invoiceStatus: 'PAID' as const },
      { requestStatus: 'paid' as const, amountDue: '0.00' },
      { requestStatus: 'overpaid' as const, amountDue: '-3.00' },
    ]) {
      expect(checkoutStatus({ ...FACTS, ...facts }, NOW)).toMatchObject({
        status: 'paid',
        still_watched: false,
        btc_due: '0.00000000',
      });
    }
    // Paid after expiry is paid.
    expect(checkoutStatus({ ...FACTS, requestStatus: 'paid' }, new Date('2026-11-30T00:00:00Z')).status).toBe(
      'paid',
    );
  });

  it('partly paid: still new, with what is left', () => {
    expect(
      checkoutStatus({ ...FACTS, requestStatus: 'partially_paid', amountDue: '500.77' }, NOW),
    ).toMatchObject({ status: 'new', amount_due: '500.77', btc_due: '0.02288125' });
  });

  it('processing while a payment is seen and not counted, even past expiry', () => {
    const late = new Date('2026-11-27T13:00:00.000Z');
    expect(checkoutStatus({ ...FACTS, amountPending: '1001.54' }, late).status).toBe('processing');
    expect(checkoutStatus({ ...FACTS, paymentSeenAt: NOW }, NOW).status).toBe('processing');
    expect(checkoutStatus({ ...FACTS, amountPending: '0.00' }, NOW).status).toBe('new');
  });

  it('expired at expires_at; still watched until the end of monitoring', () => {
    expect(checkoutStatus(FACTS, FACTS.expiresAt)).toMatchObject({
      status: 'expired',
      seconds_left: 0,
      still_watched: true,
    });
    expect(checkoutStatus(FACTS, FACTS.monitoringUntil)).toMatchObject({
      status: 'expired',
      still_watched: false,
    });
  });

  it('cancelled', () => {
    expect(checkoutStatus({ ...FACTS, requestStatus: 'cancelled', amountDue: '0.00' }, NOW).status).toBe(
      'cancelled',
    );
  });

  it('cancelled even when money arrived afterwards: the customer is not sent to the success page', () => {
    const late = { ...FACTS, invoiceStatus: 'PAID' as const, requestStatus: 'cancelled' as const };
    const shown = checkoutStatus({ ...late, amountDue: '-1001.54' }, NOW);
    expect(shown).toMatchObject({ status: 'cancelled', still_watched: true, amount_due: '0.00' });
  });
});

describe('localizeDecimal', () => {
  it.each([
    ['1001.54', 'en', '1,001.54'],
    ['1001.54', 'fr', '1\u202f001,54'],
    ['0.04576250', 'fr', '0,04576250'],
    ['1234567', 'en', '1,234,567'],
    ['999.99', 'fr', '999,99'],
    ['-1000.00', 'en', '-1,000.00'],
  ] as const)('%s in %s → %j', (amount, language, expected) => {
    expect(localizeDecimal(amount, language)).toBe(expected);
  });
});

describe('clock', () => {
  it.each([
    [900, '15:00'],
    [61, '1:01'],
    [0, '0:00'],
    [3600, '1:00:00'],
    [3661, '1:01:01'],
  ])('%i s → %s', (seconds, expected) => expect(clock(seconds)).toBe(expected));
});

describe('escapeHtml and webUrl', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('keeps http(s) URLs only', () => {
    expect(webUrl('https://example.com/ok?a=1&b=2')).toBe('https://example.com/ok?a=1&b=2');
    expect(webUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,x',
      '/relative',
      '',
      null,
    ])
      expect(webUrl(bad)).toBeNull();
  });
});

describe('renderCheckoutPage', () => {
  const view: CheckoutPageView = {
    invoiceId: '6f1c0a52-3b1e-4d7a-9a51-0d8c3e2b7f10',
    storeName: '<b>"Chez Zoé" & Cie</b>',
    amount: '1001.54',
    currency: 'EUR',
    btcAmount: '0.04576250',
    btcAddress: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    paymentUrl: 'bitcoin:tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx?amount=0.0457625',
    expiresAt: FACTS.expiresAt,
    successRedirectUrl: 'https://shop.example/ok?order=1&x="y"',
    errorRedirectUrl: 'javascript:alert(1)',
    lightning: false,
    state: checkoutStatus(FACTS, NOW),
  };

  it('escapes every value it writes and links only to http(s) URLs', () => {
    const html = renderCheckoutPage(view, 'en');
    expect(html).toContain('<p class="store">&lt;b&gt;&quot;Chez Zoé&quot; &amp; Cie&lt;/b&gt;</p>');
    expect(html).toContain('<title>Pay &lt;b&gt;&quot;Chez Zoé&quot; &amp; Cie&lt;/b&gt;</title>');
    expect(html).toContain('data-success-url="https://shop.example/ok?order=1&amp;x=%22y%22"');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('Return to store');
    expect(html).not.toContain('<b>');
  });

  it('is written in the language asked for, with its lang attribute', () => {
    const fr = renderCheckoutPage(view, 'fr');
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain(`<h1>${CHECKOUT_TEXTS.fr.heading}</h1>`);
    expect(fr).toContain('1\u202f001,54 EUR');
    expect(renderNotFoundPage('fr')).toContain('<h1>Facture introuvable</h1>');
    expect(renderNotFoundPage('en')).toContain('<html lang="en">');
  });

  it('partly paid: asks for what is left, in the QR code too', () => {
    const html = renderCheckoutPage(
      {
        ...view,
        state: checkoutStatus({ ...FACTS, requestStatus: 'partially_paid', amountDue: '500.77' }, NOW),
      },
      'en',
    );
    expect(html).toContain('data-amount-due="500.77"');
    expect(html).toContain('<strong id="btc-amount" data-value="0.02288125">0.02288125</strong>');
    expect(html).toContain(`href="bitcoin:${view.btcAddress}?amount=0.02288125"`);
    expect(html).toContain('<span id="amount-due">500.77 EUR (0.02288125 BTC)</span>');
    expect(html).not.toContain('amount=0.0457625');
  });

  it('shows the panel of the status and hides the others', () => {
    const expired = renderCheckoutPage({ ...view, state: checkoutStatus(FACTS, FACTS.expiresAt) }, 'en');
    expect(expired).toContain('<div class="status" data-when="expired">');
    expect(expired).toContain('<section class="pay" data-when="new" hidden>');
    expect(expired).toContain(`<p data-watched="true">${CHECKOUT_TEXTS.en.stillWatched}</p>`);
  });

  it('offers Lightning beside on-chain when a backend is configured and the invoice waits for its payment', () => {
    expect(renderCheckoutPage(view, 'en')).not.toContain('method-lightning');
    const html = renderCheckoutPage({ ...view, lightning: true }, 'en');
    expect(html).toContain('<div class="methods" id="methods" role="group" aria-label="Pay with" hidden>');
    expect(html).toContain(
      `<button type="button" id="method-lightning" data-method="lightning" aria-pressed="false" data-lightning-url="/checkout/${view.invoiceId}/lightning">Lightning</button>`,
    );
    expect(html).toContain('<div id="lightning" hidden');
    expect(html).toContain(`data-unavailable="${CHECKOUT_TEXTS.en.lightningUnavailable}"`);
    // One on-chain QR code: the Lightning one is the script's to fill in.
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html.match(/class="qr"/g)).toHaveLength(1);
    const fr = renderCheckoutPage({ ...view, lightning: true }, 'fr');
    expect(fr).toContain('aria-label="Payer avec"');
    expect(fr).toContain(`data-not-payable="${CHECKOUT_TEXTS.fr.lightningNotPayable}"`);
    for (const facts of [
      { requestStatus: 'paid' as const, amountDue: '0.00' },
      { requestStatus: 'cancelled' as const, amountDue: '0.00' },
      { amountPending: '1001.54' },
    ]) {
      const state = checkoutStatus({ ...FACTS, ...facts }, NOW);
      expect(renderCheckoutPage({ ...view, lightning: true, state }, 'en')).not.toContain('method-lightning');
    }
    const expired = checkoutStatus(FACTS, FACTS.expiresAt);
    expect(renderCheckoutPage({ ...view, lightning: true, state: expired }, 'en')).not.toContain(
      'id="lightning"',
    );
  });
});

describe('checkout.js', () => {
  it('is a script the browser can parse (it is a string here: no compiler reads it)', () => {
    expect(() => new Script(CHECKOUT_ASSETS['checkout.js'].body)).not.toThrow();
  });
});
