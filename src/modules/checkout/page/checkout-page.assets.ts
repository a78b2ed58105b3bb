import { createHash } from 'node:crypto';

/**
 * The page's stylesheet and script, served by us from /checkout/assets/ so that the page's CSP allows
 * 'self' and nothing inline. Each link carries a hash of its content (?v=…): a deploy that changes one
 * is fetched anew, and the files can be cached meanwhile.
 */

const CSS = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #d9dce1; --accent: #f7931a; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #f4f5f7; }
main { max-width: 26rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid var(--line);
  border-radius: 12px; }
header .store { margin: 0; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
h1 { margin: 0.25rem 0 1rem; font-size: 1.4rem; }
.amounts { border-bottom: 1px solid var(--line); padding-bottom: 1rem; margin-bottom: 1rem; }
.fiat { font-size: 1.8rem; font-weight: 700; margin: 0; }
.btc { margin: 0.25rem 0 0; }
.label { display: block; color: var(--muted); font-size: 0.85rem; }
.qr, .ln-qr { display: block; margin: 0 auto 1rem; text-align: center; }
.qr svg, .ln-qr svg { width: 100%; max-width: 240px; height: auto; }
.methods { display: flex; gap: 0.5rem; margin-bottom: 1rem; }
.methods button { flex: 1; }
.methods button[aria-pressed="true"] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent);
  font-weight: 600; }
.address { display: flex; gap: 0.5rem; align-items: center; }
.address code { flex: 1; font-size: 0.85rem; overflow-wrap: anywhere; padding: 0.4rem; background: #f4f5f7;
  border-radius: 6px; user-select: all; }
button, .button { font: inherit; padding: 0.35rem 0.8rem; border: 1px solid var(--line); border-radius: 6px;
  background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; margin-top: 1rem; }
.status { margin: 1rem 0 0; padding: 0.75rem; border-radius: 8px; background: #f4f5f7; }
.status[data-when~="paid"] { background: #e6f4ea; }
.status[data-when~="expired"], .status[data-when~="cancelled"] { background: #fce8e6; }
.countdown { color: var(--muted); }
.countdown time { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--ink); }
footer { margin-top: 1.5rem; font-size: 0.9rem; }
footer a { color: var(--muted); }
[hidden] { display: none !important; }
`;

/*
 * Plain ES2017 for the browser (the project's TypeScript has no DOM types): reads what the server wrote
 * in data-* attributes, counts down, polls the status, shows the panel of the status, copies, and asks for
 * a Lightning invoice when that is chosen. It inserts no markup but the SVG QR code the server made of a
 * Lightning invoice, otherwise only text (a partial payment reloads the page: the server redraws the QR
 * code), and navigates only to the http(s) URL the server checked.
 */
const JS = `(function () {
  'use strict';
  var root = document.getElementById('checkout');
  if (!root) return;
  var statusUrl = root.getAttribute('data-status-url');
  var successUrl = root.getAttribute('data-success-url');
  var FAST = 5000, SLOW = 30000, MAX = 120000;
  var status = root.getAttribute('data-status');
  var deadline = Date.now() + Number(root.getAttribute('data-seconds-left')) * 1000;
  var countdown = document.getElementById('countdown');
  var delay = FAST;
  var redirecting = false;
  var timer = null;
  var inFlight = false;

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h > 0 ? h + ':' + two(m) : String(m)) + ':' + two(s);
  }
  function secondsLeft() { return Math.max(0, Math.ceil((deadline - Date.now()) / 1000)); }

  function show(next, watched) {
    status = next;
    root.setAttribute('data-status', next);
    var panels = root.querySelectorAll('[data-when]');
    for (var i = 0; i < panels.length; i++) {
      panels[i].hidden = panels[i].getAttribute('data-when').split(' ').indexOf(next) < 0;
    }
    var notes = root.querySelectorAll('[data-watched]');
    for (var j = 0; j < notes.length; j++) {
      notes[j].hidden = String(watched) !== notes[j].getAttribute('data-watched');
    }
    if (next === 'paid' && successUrl && !redirecting) {
      redirecting = true;
      setTimeout(function () { window.location.assign(successUrl); }, 1500);
    }
  }

  function tick() {
    var left = secondsLeft();
    if (countdown) countdown.textContent = clock(left);
    if (left === 0 && status === 'new') show('expired', true);
  }

  function apply(body) {
    deadline = Date.now() + body.seconds_left * 1000;
    // A payment changed what is left to send: the server draws the QR code and the amount anew.
    if (body.status === 'new' && body.amount_due !== root.getAttribute('data-amount-due')) {
      window.location.reload();
      return 0;
    }
    root.setAttribute('data-still-watched', String(body.still_watched));
    show(body.status, body.still_watched);
    tick();
    return body.status === 'paid' || body.status === 'cancelled' || !body.still_watched
      ? 0
      : body.status === 'expired' ? SLOW : FAST;
  }

  // One poll at a time, none while the tab is hidden (it resumes when shown again).
  function schedule(ms) {
    clearTimeout(timer);
    timer = ms > 0 ? setTimeout(poll, ms) : null;
  }

  function poll() {
    clearTimeout(timer);
    timer = null;
    if (document.hidden || inFlight) return;
    inFlight = true;
    fetch(statusUrl, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        inFlight = false;
        if (res.status === 429 || res.status >= 500) {
          var after = Number(res.headers.get('Retry-After')) * 1000;
          delay = Math.min(MAX, Math.max(after || 0, delay * 2));
          return schedule(delay);
        }
        if (!res.ok) return;
        return res.json().then(function (body) { delay = FAST; schedule(apply(body)); });
      })
      .catch(function () { inFlight = false; delay = Math.min(MAX, delay * 2); schedule(delay); });
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && timer === null && polling()) poll();
  });
  function polling() {
    return status === 'new' || status === 'processing' ||
      (status === 'expired' && root.getAttribute('data-still-watched') === 'true');
  }

  // Lightning beside on-chain (when the server offers it): the server makes the invoice and its QR code.
  var lnButton = document.getElementById('method-lightning');
  var lnPanel = document.getElementById('lightning');
  var lnExpiresAt = 0;
  var lnLoading = false;
  var language = document.documentElement.lang;

  // As the server writes decimals (checkout-page.texts.ts localizeDecimal): digits untouched.
  function localized(amount) {
    var parts = String(amount).split('.');
    var whole = parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, language === 'fr' ? '\\u202f' : ',');
    return parts.length > 1 ? whole + (language === 'fr' ? ',' : '.') + parts[1] : whole;
  }

  function lnMessage(attribute) {
    var note = document.getElementById('ln-message');
    note.textContent = attribute ? lnPanel.getAttribute(attribute) : '';
    note.hidden = !attribute;
  }

  function lnShow(body) {
    if (!body || typeof body.bolt11 !== 'string' || !/^ln[a-z0-9]+$/i.test(body.bolt11) ||
        typeof body.qrSvg !== 'string' || body.qrSvg.indexOf('<svg ') !== 0) {
      return lnMessage('data-unavailable');
    }
    var uri = 'lightning:' + body.bolt11;
    var qr = document.getElementById('ln-qr');
    // The server's SVG of lightning:<BOLT11>: the only markup this script inserts.
    qr.innerHTML = body.qrSvg;
    qr.setAttribute('href', uri);
    document.getElementById('ln-open').setAttribute('href', uri);
    document.getElementById('ln-bolt11').textContent = body.bolt11;
    document.getElementById('ln-btc-amount').textContent = localized(body.btcAmount);
    lnExpiresAt = Date.parse(body.expiresAt) || 0;
    lnMessage(null);
    document.getElementById('ln-invoice').hidden = false;
  }

  // One request at a time; the server hands out the open invoice again rather than a second one.
  function lnIssue() {
    if (lnLoading) return;
    lnLoading = true;
    lnExpiresAt = 0;
    document.getElementById('ln-invoice').hidden = true;
    lnMessage('data-loading');
    fetch(lnButton.getAttribute('data-lightning-url'), {
      method: 'POST', headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit'
    })
      .then(function (res) {
        if (!res.ok) {
          lnLoading = false;
          lnMessage(res.status === 404 || res.status === 409 ? 'data-not-payable' : 'data-unavailable');
          // Paid, on its way, cancelled or expired meanwhile: the status says which.
          if (res.status === 409) poll();
          return;
        }
        return res.json().then(function (body) { lnLoading = false; lnShow(body); });
      })
      .catch(function () { lnLoading = false; lnMessage('data-unavailable'); });
  }

  function choose(method) {
    var lightning = method === 'lightning';
    document.getElementById('onchain').hidden = lightning;
    lnPanel.hidden = !lightning;
    var choices = root.querySelectorAll('button[data-method]');
    for (var c = 0; c < choices.length; c++) {
      choices[c].setAttribute('aria-pressed', String(choices[c].getAttribute('data-method') === method));
    }
    if (lightning && lnExpiresAt === 0) lnIssue();
  }

  // It expired while shown: a new one for what is due then.
  function lnTick() {
    if (lnExpiresAt > 0 && Date.now() >= lnExpiresAt && !lnPanel.hidden && status === 'new') lnIssue();
  }

  if (lnButton && lnPanel) {
    document.getElementById('methods').hidden = false;
    var methodButtons = root.querySelectorAll('button[data-method]');
    for (var b = 0; b < methodButtons.length; b++) {
      methodButtons[b].addEventListener('click', function (event) {
        choose(event.currentTarget.getAttribute('data-method'));
      });
    }
    setInterval(lnTick, 1000);
  }

  var buttons = root.querySelectorAll('button[data-copy]');
  for (var k = 0; k < buttons.length; k++) {
    buttons[k].hidden = false;
    buttons[k].addEventListener('click', function (event) {
      var button = event.currentTarget;
      var target = document.getElementById(button.getAttribute('data-copy'));
      if (!target) return;
      var selection = window.getSelection();
      var range = document.createRange();
      range.selectNodeContents(target);
      selection.removeAllRanges();
      selection.addRange(range);
      var text = target.getAttribute('data-value') || target.textContent;
      if (!navigator.clipboard) return;
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute('data-copied');
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { /* selected: the customer copies by hand */ });
    });
  }

  tick();
  setInterval(tick, 1000);
  if (polling()) schedule(status === 'expired' ? SLOW : FAST);
})();
`;

export interface CheckoutAsset {
  body: string;
  contentType: string;
  /** The first 16 hex digits of its sha256: the ?v= of its link. */
  version: string;
}

function asset(body: string, contentType: string): CheckoutAsset {
  return { body, contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

export const CHECKOUT_ASSETS: Record<'checkout.css' | 'checkout.js', CheckoutAsset> = {
  'checkout.css': asset(CSS, 'text/css; charset=utf-8'),
  'checkout.js': asset(JS, 'text/javascript; charset=utf-8'),
};
