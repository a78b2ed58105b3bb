import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { decode as decodeBolt11 } from 'light-bolt11-decoder';
import { boundedRequest, BoundedRequestError } from '../../../common/http/bounded-request.js';
import type { LightningConfig } from '../../../config/app-config.js';
import {
  checkInvoiceRequest,
  LightningBackend,
  LightningUnavailableError,
  type CreateLightningInvoice,
  type LightningInvoice,
  type LightningInvoiceStatus,
} from '../lightning-backend.js';

type LndSettings = Extract<LightningConfig, { backend: 'lnd' }>['lnd'];

/** More than any invoice LND returns; a bigger body is not LND. */
const MAX_BODY_BYTES = 1024 * 1024;

/** lnrpc.AddInvoiceResponse: bytes are standard base64, int64 are strings. */
interface AddInvoiceResponse {
  r_hash?: string;
  payment_request?: string;
  add_index?: string;
  payment_addr?: string;
}

/** The fields of lnrpc.Invoice this driver reads. */
interface LndInvoice {
  r_hash?: string;
  state?: 'OPEN' | 'SETTLED' | 'CANCELED' | 'ACCEPTED';
  creation_date?: string;
  expiry?: string;
  settle_date?: string;
  amt_paid_msat?: string;
}

interface LndAnswer {
  status: number;
  body: unknown;
}

/**
 * LND's REST API (lnrpc/lightning.swagger.json): `POST /v1/invoices`, `GET /v1/invoice/{r_hash hex}`,
 * `POST /v2/invoices/cancel` (invoicesrpc), the macaroon in `Grpc-Metadata-macaroon`. TLS is pinned to LND's own certificate when LND_TLS_CERT_PATH is
 * set: that certificate is then the only authority trusted, so no other certificate, even one a public CA
 * signed, is accepted for the node.
 */
export class LndLightningBackend extends LightningBackend {
  readonly name = 'lnd';
  private readonly agent: Agent;
  private readonly macaroonHex: string;
  private readonly timeoutMs: number;

  constructor(private readonly settings: LndSettings) {
    super();
    this.macaroonHex =
      settings.macaroonHex ?? readSecretFile(settings.macaroonPath!, 'LND_MACAROON_PATH').toString('hex');
    const ca = settings.tlsCertPath ? readSecretFile(settings.tlsCertPath, 'LND_TLS_CERT_PATH') : undefined;
    // keepAlive: one TLS handshake for many lookups. `ca` replaces the system's authorities.
    this.agent = new Agent({ keepAlive: true, maxSockets: 8, ...(ca ? { ca } : {}) });
    this.timeoutMs = settings.timeoutSeconds * 1000;
  }

  async createInvoice(ask: CreateLightningInvoice): Promise<LightningInvoice> {
    checkInvoiceRequest(ask);
    const answer = await this.call('POST', '/v1/invoices', {
      memo: ask.description,
      value_msat: ask.amountMsat.toString(),
      expiry: String(ask.expirySeconds),
    });
    if (answer.status !== 200) throw this.refused('POST /v1/invoices', answer);
    const body = answer.body as AddInvoiceResponse;
    if (typeof body?.r_hash !== 'string' || typeof body.payment_request !== 'string') {
      throw new LightningUnavailableError(
        'LND answered POST /v1/invoices without r_hash and payment_request',
      );
    }
    const paymentHash = Buffer.from(body.r_hash, 'base64').toString('hex');
    return { paymentHash, ...checkIssued(body.payment_request, paymentHash, ask) };
  }

  async lookupInvoice(paymentHash: string): Promise<LightningInvoiceStatus | undefined> {
    if (!/^[0-9a-fA-F]{64}$/.test(paymentHash)) return undefined;
    const answer = await this.call('GET', `/v1/invoice/${paymentHash.toLowerCase()}`);
    // LND says NotFound (gRPC code 5, HTTP 404); older versions said it as code 2 with this message.
    if (answer.status === 404 || lndMessage(answer).includes('unable to locate invoice')) return undefined;
    if (answer.status !== 200) throw this.refused('GET /v1/invoice', answer);
    return statusOf(answer.body as LndInvoice);
  }

  /**
   * invoicesrpc's CancelInvoice, `POST /v2/invoices/cancel {payment_hash: base64}` (needs
   * invoices:write), then a lookup for what the invoice became: LND refuses to cancel a settled one,
   * which the lookup then says.
   */
  async cancelInvoice(paymentHash: string): Promise<LightningInvoiceStatus | undefined> {
    if (!/^[0-9a-fA-F]{64}$/.test(paymentHash)) return undefined;
    const answer = await this.call('POST', '/v2/invoices/cancel', {
      payment_hash: Buffer.from(paymentHash, 'hex').toString('base64'),
    });
    const status = await this.lookupInvoice(paymentHash);
    if (status?.state === 'open') throw this.refused('POST /v2/invoices/cancel', answer);
    return status;
  }

  /** Closes the kept-alive connections (at shutdown). */
  close(): void {
    this.agent.destroy();
  }

  private refused(what: string, answer: LndAnswer): LightningUnavailableError {
    if (answer.status === 401 || answer.status === 403) {
      return new LightningUnavailableError(
        `LND refused the macaroon (HTTP ${answer.status}: ${lndMessage(answer) || 'no message'}); check LND_MACAROON_HEX or LND_MACAROON_PATH and its permissions (invoices:read, invoices:write)`,
      );
    }
    return new LightningUnavailableError(
      `LND answered ${what} with HTTP ${answer.status}: ${lndMessage(answer) || 'no message'}`,
    );
  }

  /** One exchange with LND, which must end (connect, TLS, headers, body) within LND_TIMEOUT_SECONDS. */
  private async call(method: 'GET' | 'POST', path: string, json?: unknown): Promise<LndAnswer> {
    let answer;
    try {
      answer = await boundedRequest(new URL(this.settings.restUrl + path), {
        method,
        agent: this.agent,
        headers: { 'Grpc-Metadata-macaroon': this.macaroonHex },
        body: json === undefined ? undefined : Buffer.from(JSON.stringify(json)),
        timeoutMs: this.timeoutMs,
        maxBodyBytes: MAX_BODY_BYTES,
      });
    } catch (e) {
      if (!(e instanceof BoundedRequestError)) throw e;
      const reason = e.connectError ? describeConnectError(e.connectError) : e.message;
      throw new LightningUnavailableError(`LND at ${this.settings.restUrl} ${reason}`);
    }
    let body: unknown;
    try {
      body = answer.text === '' ? undefined : JSON.parse(answer.text);
    } catch {
      throw new LightningUnavailableError(
        `LND at ${this.settings.restUrl} answered HTTP ${answer.status} with a body that is not JSON`,
      );
    }
    return { status: answer.status, body };
  }
}

function readSecretFile(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
}

const TLS_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeConnectError(err: Error & { code?: string }): string {
  if (err.code && TLS_ERRORS.has(err.code)) {
    return `presented a certificate that is not the pinned one (LND_TLS_CERT_PATH): ${err.code}`;
  }
  return `could not be reached (${err.code ?? err.message})`;
}

/** grpc-gateway's error body: `{code, message, details}`. */
function lndMessage(answer: LndAnswer): string {
  const message = (answer.body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 300) : '';
}

/**
 * The invoice LND made must be the one asked for: our hash, amount, description and expiry, on a Lightning
 * prefix. Its own timestamp and expiry give createdAt and expiresAt.
 */
function checkIssued(
  paymentRequest: string,
  paymentHash: string,
  ask: CreateLightningInvoice,
): { paymentRequest: string; createdAt: Date; expiresAt: Date } {
  let sections: Map<string, unknown>;
  let expiry: number;
  try {
    const decoded = decodeBolt11(paymentRequest);
    sections = new Map(decoded.sections.map((s) => [s.name, 'value' in s ? s.value : undefined]));
    expiry = decoded.expiry;
  } catch (error) {
    throw new LightningUnavailableError(
      `LND returned a payment request that does not decode (${(error as Error).message})`,
    );
  }
  const timestamp = sections.get('timestamp') as number;
  const mismatch =
    sections.get('payment_hash') !== paymentHash
      ? 'payment hash'
      : sections.get('amount') !== ask.amountMsat.toString()
        ? 'amount'
        : sections.get('description') !== ask.description
          ? 'description'
          : expiry !== ask.expirySeconds
            ? 'expiry'
            : undefined;
  if (mismatch)
    throw new LightningUnavailableError(`LND returned an invoice whose ${mismatch} is not the one asked for`);
  return {
    paymentRequest,
    createdAt: new Date(timestamp * 1000),
    expiresAt: new Date((timestamp + expiry) * 1000),
  };
}

/** LND cancels the invoices that expire unpaid: CANCELED past the expiry is an expiry. */
function statusOf(invoice: LndInvoice): LightningInvoiceStatus {
  const expiresAtMs = (Number(invoice.creation_date ?? 0) + Number(invoice.expiry ?? 0)) * 1000;
  const expired = expiresAtMs > 0 && expiresAtMs <= Date.now();
  switch (invoice.state) {
    case 'SETTLED':
      if (!/^\d{1,20}$/.test(invoice.amt_paid_msat ?? '')) {
        throw new LightningUnavailableError('LND answered a settled invoice without amt_paid_msat');
      }
      return {
        state: 'settled',
        amountPaidMsat: BigInt(invoice.amt_paid_msat!),
        settledAt: new Date(Number(invoice.settle_date ?? 0) * 1000),
      };
    case 'CANCELED':
      return { state: expired ? 'expired' : 'cancelled' };
    case 'OPEN':
      return { state: expired ? 'expired' : 'open' };
    case 'ACCEPTED':
      // A payment is held and may still settle, even past the expiry.
      return { state: 'open' };
    default:
      throw new LightningUnavailableError(
        `LND answered an invoice in an unknown state ${String(invoice.state)}`,
      );
  }
}
