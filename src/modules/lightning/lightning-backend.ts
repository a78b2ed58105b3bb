import { DomainError } from '../../common/errors/domain-error.js';

/** What the app asks for: an amount in millisatoshis, a description the payer's wallet shows, a lifetime. */
export interface CreateLightningInvoice {
  amountMsat: bigint;
  /** UTF-8, written in the invoice's `d` field: at most 639 bytes. */
  description: string;
  /** The invoice's `x` field: it is payable for exactly this long after `createdAt`. */
  expirySeconds: number;
}

export interface LightningInvoice {
  /** sha256 of the preimage, 64 lowercase hex digits: the invoice's identity at every backend. */
  paymentHash: string;
  /** The BOLT #11 string the payer's wallet reads. */
  paymentRequest: string;
  /** The invoice's own timestamp (whole seconds). */
  createdAt: Date;
  /** createdAt + expirySeconds, as the invoice itself says. */
  expiresAt: Date;
}

export type LightningInvoiceState = 'open' | 'settled' | 'cancelled' | 'expired';

export interface LightningInvoiceStatus {
  state: LightningInvoiceState;
  /** Set once settled: what was received (a payer may pay more than asked). */
  amountPaidMsat?: bigint;
  settledAt?: Date;
}

/**
 * The port the rest of the app uses; LIGHTNING_BACKEND picks the driver (dev, lnd, none). Both methods
 * throw LightningUnavailableError when the backend cannot be reached or refuses us, and nothing else for
 * the backend's own failures.
 */
export abstract class LightningBackend {
  abstract readonly name: 'dev' | 'lnd' | 'none';
  abstract createInvoice(request: CreateLightningInvoice): Promise<LightningInvoice>;
  /** undefined: the backend knows no invoice with this payment hash. */
  abstract lookupInvoice(paymentHash: string): Promise<LightningInvoiceStatus | undefined>;
  /**
   * Makes an open invoice unpayable (one superseded by another amount, or whose request was cancelled),
   * and answers its state then: `cancelled`, or `settled` when a payment got there first (it must be
   * counted), or undefined when the backend knows no such invoice.
   */
  abstract cancelInvoice(paymentHash: string): Promise<LightningInvoiceStatus | undefined>;
}

/** The backend is down, unreachable, refuses our credentials, or answers nonsense. */
export class LightningUnavailableError extends DomainError {
  constructor(reason: string) {
    super('unavailable', 'LIGHTNING_UNAVAILABLE', `The Lightning backend is unavailable: ${reason}`);
  }
}

/** A description longer than this cannot be written in one BOLT #11 field (1023 five-bit words). */
export const MAX_DESCRIPTION_BYTES = 639;
/** A year: longer than any payment request should stay payable at a fixed price. */
export const MAX_EXPIRY_SECONDS = 365 * 24 * 3600;

/** Refuses what no backend could turn into an invoice. A programming error of the caller, so a plain Error. */
export function checkInvoiceRequest(request: CreateLightningInvoice): void {
  const { amountMsat, description, expirySeconds } = request;
  if (typeof amountMsat !== 'bigint' || amountMsat <= 0n) {
    throw new RangeError(
      `a Lightning invoice needs a positive amount in millisatoshis, got ${String(amountMsat)}`,
    );
  }
  if (typeof description !== 'string' || Buffer.byteLength(description, 'utf8') > MAX_DESCRIPTION_BYTES) {
    throw new RangeError(
      `a Lightning invoice description holds at most ${MAX_DESCRIPTION_BYTES} bytes of UTF-8`,
    );
  }
  if (!Number.isSafeInteger(expirySeconds) || expirySeconds <= 0 || expirySeconds > MAX_EXPIRY_SECONDS) {
    throw new RangeError(
      `a Lightning invoice expiry is 1 s to ${MAX_EXPIRY_SECONDS} s, got ${expirySeconds}`,
    );
  }
}

export const isPaymentHash = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/** No backend: every invoice asked for is refused as "unavailable", which callers already handle. */
export class NoLightningBackend extends LightningBackend {
  readonly name = 'none';

  createInvoice(): Promise<LightningInvoice> {
    return Promise.reject(
      new LightningUnavailableError('no Lightning backend is configured (LIGHTNING_BACKEND=none)'),
    );
  }

  lookupInvoice(): Promise<LightningInvoiceStatus | undefined> {
    return Promise.reject(
      new LightningUnavailableError('no Lightning backend is configured (LIGHTNING_BACKEND=none)'),
    );
  }

  cancelInvoice(): Promise<LightningInvoiceStatus | undefined> {
    return this.lookupInvoice();
  }
}
