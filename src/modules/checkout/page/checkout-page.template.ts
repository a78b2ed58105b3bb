import { paymentUri } from '../bitcoin/addresses.js';
import type { CheckoutLanguage } from './accept-language.js';
import { CHECKOUT_ASSETS } from './checkout-page.assets.js';
import { CHECKOUT_TEXTS, localizeDecimal, type CheckoutTexts } from './checkout-page.texts.js';
import type { CheckoutPublicStatus } from './checkout-status.js';
import { escapeHtml as e, webUrl } from './html.js';
import { qrSvg } from './qr-svg.js';

/** What the page shows of one invoice; every string is escaped where it is written. */
export interface CheckoutPageView {
  invoiceId: string;
  storeName: string;
  amount: string;
  currency: string;
  /** At 8 decimals. */
  btcAmount: string;
  btcAddress: string;
  /** BIP21: bitcoin:ADDRESS?amount=… */
  paymentUrl: string;
  expiresAt: Date;
  successRedirectUrl: string | null;
  errorRedirectUrl: string | null;
  /** A Lightning backend is configured: the page offers Lightning beside on-chain while payable. */
  lightning: boolean;
  state: CheckoutPublicStatus;
}

/** m:ss, or h:mm:ss from an hour: what the script shows as it counts down. */
export function clock(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = String(totalSeconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Whether the element of a status shows at first (the script switches them afterwards). */
const hiddenUnless = (shown: boolean) => (shown ? '' : ' hidden');

function page(language: CheckoutLanguage, title: string, body: string): string {
  const css = CHECKOUT_ASSETS['checkout.css'];
  const js = CHECKOUT_ASSETS['checkout.js'];
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/checkout/assets/checkout.css?v=${css.version}">
<script src="/checkout/assets/checkout.js?v=${js.version}" defer></script>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The hosted checkout page of one invoice, in one language. Pure. */
export function renderCheckoutPage(view: CheckoutPageView, language: CheckoutLanguage): string {
  const t = CHECKOUT_TEXTS[language];
  const { state } = view;
  const success = webUrl(view.successRedirectUrl);
  const back = webUrl(view.errorRedirectUrl);
  // Partly paid: what is left is what to send, in the QR code too (the script reloads when it changes).
  const partial = state.status === 'new' && state.amount_due !== view.amount;
  const btcToSend = partial ? state.btc_due : view.btcAmount;
  const uri = partial ? paymentUri(view.btcAddress, state.btc_due) : view.paymentUrl;
  const btc = localizeDecimal(btcToSend, language);
  // Offered while the invoice waits for its payment; the script shows the choice (nothing without it).
  const lightning = view.lightning && state.status === 'new';
  const attributes = [
    `id="checkout"`,
    `class="checkout"`,
    `data-status="${e(state.status)}"`,
    `data-still-watched="${String(state.still_watched)}"`,
    `data-seconds-left="${state.seconds_left}"`,
    `data-amount-due="${e(state.amount_due)}"`,
    `data-status-url="/checkout/${e(view.invoiceId)}/status"`,
    success ? `data-success-url="${e(success)}"` : '',
  ].filter(Boolean);
  const body = `<main ${attributes.join(' ')}>
<header>
<p class="store">${e(view.storeName)}</p>
<h1>${e(t.heading)}</h1>
</header>
<section class="amounts">
<span class="label">${e(t.amount)}</span>
<p class="fiat" id="fiat-amount">${e(localizeDecimal(view.amount, language))} ${e(view.currency)}</p>
<p class="btc">${e(t.sendExactly)} <strong id="btc-amount" data-value="${e(btcToSend)}">${e(btc)}</strong> BTC
<button type="button" data-copy="btc-amount" data-copied="${e(t.copied)}" hidden>${e(t.copyAmount)}</button></p>
<p class="status" id="partial"${hiddenUnless(partial)}>${e(t.partial)} <span id="amount-due">${e(
    localizeDecimal(state.amount_due, language),
  )} ${e(view.currency)} (${e(localizeDecimal(state.btc_due, language))} BTC)</span></p>
</section>
<section class="pay" data-when="new"${hiddenUnless(state.status === 'new')}>
${lightning ? methodChoice(view.invoiceId, t) : ''}<div id="onchain">
<a class="qr" href="${e(uri)}" title="${e(t.openWallet)}">${qrSvg(uri, t.qrLabel)}</a>
<span class="label">${e(t.address)}</span>
<div class="address"><code id="btc-address">${e(view.btcAddress)}</code>
<button type="button" id="copy-address" data-copy="btc-address" data-copied="${e(t.copied)}" hidden>${e(t.copy)}</button></div>
<p><a class="button" href="${e(uri)}">${e(t.openWallet)}</a></p>
</div>
${lightning ? lightningPanel(t) : ''}<p class="countdown">${e(t.expiresIn)} <time id="countdown" datetime="${e(view.expiresAt.toISOString())}">${clock(state.seconds_left)}</time></p>
</section>
<p class="status" data-when="new"${hiddenUnless(state.status === 'new')}>${e(t.waiting)}</p>
<p class="status" data-when="processing"${hiddenUnless(state.status === 'processing')}>${e(t.processing)}</p>
<div class="status" data-when="paid"${hiddenUnless(state.status === 'paid')}>
<p>${e(t.paid)}</p>
${success ? `<p>${e(t.redirecting)}</p><a class="button primary" id="continue" href="${e(success)}">${e(t.continueToStore)}</a>` : ''}
</div>
<div class="status" data-when="expired"${hiddenUnless(state.status === 'expired')}>
<p>${e(t.expired)}</p>
<p data-watched="true"${hiddenUnless(state.still_watched)}>${e(t.stillWatched)}</p>
<p data-watched="false"${hiddenUnless(!state.still_watched)}>${e(t.notWatched)}</p>
</div>
<p class="status" data-when="cancelled"${hiddenUnless(state.status === 'cancelled')}>${e(t.cancelled)}</p>
<noscript><p>${e(t.noScript)}</p></noscript>
${back ? `<footer><a id="return-to-store" href="${e(back)}">${e(t.returnToStore)}</a></footer>` : ''}
</main>`;
  return page(language, t.title(view.storeName), body);
}

/**
 * On-chain or Lightning: two buttons the script shows and switches between (aria-pressed). Lightning's
 * asks the server for an invoice (POST data-lightning-url) when chosen.
 */
function methodChoice(invoiceId: string, t: CheckoutTexts): string {
  return `<div class="methods" id="methods" role="group" aria-label="${e(t.payWith)}" hidden>
<button type="button" id="method-onchain" data-method="onchain" aria-pressed="true">${e(t.onChain)}</button>
<button type="button" id="method-lightning" data-method="lightning" aria-pressed="false" data-lightning-url="/checkout/${e(invoiceId)}/lightning">${e(t.lightning)}</button>
</div>
`;
}

/**
 * Lightning's panel, empty until the script fills it from the server's answer: the QR code (the server's
 * SVG), the BOLT #11 as text and its amount (the script asks for a new one when it expires). Its messages wait in data-* attributes, in the
 * page's language, for the script to show as text.
 */
function lightningPanel(t: CheckoutTexts): string {
  return `<div id="lightning" hidden data-loading="${e(t.lightningLoading)}" data-unavailable="${e(
    t.lightningUnavailable,
  )}" data-not-payable="${e(t.lightningNotPayable)}">
<p class="status" id="ln-message" role="status" hidden></p>
<div id="ln-invoice" hidden>
<a class="ln-qr" id="ln-qr" title="${e(t.openWallet)}"></a>
<p>${e(t.lightningAmount)} <strong id="ln-btc-amount"></strong> BTC</p>
<span class="label">${e(t.lightningInvoice)}</span>
<div class="address"><code id="ln-bolt11"></code>
<button type="button" id="copy-bolt11" data-copy="ln-bolt11" data-copied="${e(t.copied)}" hidden>${e(t.copy)}</button></div>
<p><a class="button" id="ln-open">${e(t.openWallet)}</a></p>
</div>
</div>
`;
}

/** The answer to an unknown or malformed invoice id. */
export function renderNotFoundPage(language: CheckoutLanguage): string {
  const t = CHECKOUT_TEXTS[language];
  return page(
    language,
    t.notFoundTitle,
    `<main class="checkout">
<h1>${e(t.notFoundTitle)}</h1>
<p>${e(t.notFoundText)}</p>
</main>`,
  );
}
