import { DomainError } from '../../../common/errors/domain-error.js';
import {
  lightningRefusal,
  lightningUri,
  presentCheckoutLightning,
  publicLightningError,
} from './checkout-lightning.js';
import { CHECKOUT_PAGE_STATUSES } from './checkout-status.js';
import { qrSvg } from './qr-svg.js';

const BOLT11 =
  'lnbcrt45762500n1p5qz3xjpp5ytgm5u0whn5dxmrlqyzq8u0zx3v4qvw0c6ljc6wnmq4kc3s3ls6sdqqcqzzsxqyz5vq';

describe('lightningRefusal', () => {
  it('lets only an invoice waiting for its payment have a Lightning invoice', () => {
    const refusals = Object.fromEntries(
      CHECKOUT_PAGE_STATUSES.map((status) => {
        const error = lightningRefusal(status);
        return [status, error && { kind: error.kind, code: error.code }];
      }),
    );
    expect(refusals).toEqual({
      new: null,
      processing: { kind: 'conflict', code: 'PAYMENT_REQUEST_NOTHING_DUE' },
      paid: { kind: 'conflict', code: 'PAYMENT_REQUEST_NOTHING_DUE' },
      expired: { kind: 'conflict', code: 'CHECKOUT_INVOICE_EXPIRED' },
      cancelled: { kind: 'conflict', code: 'PAYMENT_REQUEST_NOT_PAYABLE' },
    });
  });
});

describe('publicLightningError', () => {
  it('keeps the code and the status, says it in a sentence of ours, and drops the details', () => {
    const cases: [DomainError, string, string][] = [
      [
        new DomainError('not_found', 'PAYMENT_REQUEST_NOT_FOUND', 'Payment request not found'),
        'not_found',
        'CHECKOUT_INVOICE_NOT_FOUND',
      ],
      [
        new DomainError('conflict', 'PAYMENT_REQUEST_NOT_PAYABLE', 'A cancelled payment request…', {
          status: 'cancelled',
        }),
        'conflict',
        'PAYMENT_REQUEST_NOT_PAYABLE',
      ],
      [
        new DomainError('conflict', 'PAYMENT_REQUEST_NOTHING_DUE', 'Nothing is due (due 0.00 EUR…)', {
          amountDue: '0.00',
        }),
        'conflict',
        'PAYMENT_REQUEST_NOTHING_DUE',
      ],
      [
        new DomainError('unavailable', 'RATE_UNAVAILABLE', 'No source priced EUR_BTC', {
          kraken: 'connect ECONNREFUSED 10.0.0.7:443',
        }),
        'unavailable',
        'RATE_UNAVAILABLE',
      ],
      [
        new DomainError(
          'unavailable',
          'LIGHTNING_UNAVAILABLE',
          'The Lightning backend is unavailable: lnd at https://10.0.0.8:8080 answered 500',
        ),
        'unavailable',
        'LIGHTNING_UNAVAILABLE',
      ],
    ];
    for (const [error, kind, code] of cases) {
      const told = publicLightningError(error) as DomainError;
      expect(told).toBeInstanceOf(DomainError);
      expect({ kind: told.kind, code: told.code, details: told.details }).toEqual({
        kind,
        code,
        details: undefined,
      });
      expect(told.message).not.toMatch(/10\.0\.0|lnd|EUR|kraken/);
    }
  });

  it('passes anything unforeseen on unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(publicLightningError(bug)).toBe(bug);
    const other = new DomainError('conflict', 'SOMETHING_ELSE', 'other');
    expect(publicLightningError(other)).toBe(other);
  });
});

describe('presentCheckoutLightning', () => {
  it('answers the invoice and the QR code of lightning:<BOLT11 upper-case>', () => {
    expect(lightningUri(BOLT11)).toBe(`lightning:${BOLT11.toUpperCase()}`);
    const shown = presentCheckoutLightning(
      {
        bolt11: BOLT11,
        paymentHash: 'a'.repeat(64),
        btcAmount: '0.04576250',
        expiresAt: '2026-11-27T12:15:00.000Z',
      },
      'QR code of the Lightning invoice',
    );
    expect(shown).toEqual({
      bolt11: BOLT11,
      paymentHash: 'a'.repeat(64),
      btcAmount: '0.04576250',
      expiresAt: '2026-11-27T12:15:00.000Z',
      qrSvg: qrSvg(`lightning:${BOLT11.toUpperCase()}`, 'QR code of the Lightning invoice'),
    });
    expect(shown.qrSvg).toMatch(/^<svg [^>]*aria-label="QR code of the Lightning invoice">/);
  });
});
