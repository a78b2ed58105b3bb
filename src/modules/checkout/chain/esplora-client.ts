import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/app-config.js';
import {
  EsploraShapeError,
  parseStatus,
  parseTipHeight,
  parseTxs,
  type EsploraStatus,
  type EsploraTx,
} from './esplora.types.js';

export type ChainNetwork = 'mainnet' | 'testnet';

/** Esplora's confirmed-history page size (electrs CHAIN_TXS_PER_PAGE). */
export const CHAIN_PAGE_SIZE = 25;
/** GET /address/:a/txs gives at most this many mempool transactions, and there is no next page. */
export const MEMPOOL_LIMIT = 50;

/** Any failure of a call; the subclasses say what the caller can do about it. */
export class EsploraError extends Error {
  constructor(
    message: string,
    /** The path asked for (never a secret: the base URL is the operator's). */
    readonly path: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 429: slow down; `retryAfterSeconds` from Retry-After (seconds or an HTTP date) when it came. */
export class EsploraRateLimitedError extends EsploraError {
  constructor(
    path: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(`Esplora rate-limited ${path} (retry after ${retryAfterSeconds ?? 'unknown'} s)`, path);
  }
}

/** The server did not answer usefully: a 5xx, a refused or reset connection, or no answer in time. */
export class EsploraUnavailableError extends EsploraError {
  constructor(
    path: string,
    readonly reason: 'server_error' | 'unreachable' | 'timeout',
    readonly status: number | null = null,
    cause?: unknown,
  ) {
    super(`Esplora unavailable for ${path}: ${reason}${status ? ` ${status}` : ''}`, path);
    if (cause !== undefined) this.cause = cause;
  }
}

/** An answer whose shape is not Esplora's (not JSON, a field missing or of the wrong kind, too large). */
export class EsploraMalformedError extends EsploraError {
  constructor(path: string, problem: string) {
    super(`Esplora answered ${path} with a malformed body: ${problem}`, path);
  }
}

/** Another 4xx: the server refused the request itself (e.g. 400 "Invalid Bitcoin address"). */
export class EsploraRejectedError extends EsploraError {
  constructor(
    path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Esplora refused ${path}: ${status} ${body.slice(0, 200)}`, path);
  }
}

/** More confirmed history than `maxChainPages` allows and no `sinceHeight` to stop at. */
export class EsploraHistoryTooLongError extends EsploraError {
  constructor(path: string, pages: number) {
    super(`Esplora history of ${path} is longer than ${pages} pages`, path);
  }
}

export interface AddressHistory {
  /** Mempool first (newest first), then confirmed (newest first); each txid once. */
  txs: EsploraTx[];
  /**
   * False when the mempool part may be cut (Esplora lists at most 50 unconfirmed transactions of an
   * address, with no next page): a transaction missing from it then proves nothing (chain-outputs.ts).
   */
  mempoolComplete: boolean;
}

export interface EsploraClientOptions {
  /** e.g. https://blockstream.info/api (no trailing slash needed). */
  baseUrl: string;
  /** For each request, answer included. */
  timeoutMs?: number;
  /** An answer larger than this is refused (a mempool page of 50 large transactions is a few MB). */
  maxBodyBytes?: number;
  /** Pages of 25 confirmed transactions read at most for one address without `sinceHeight`. */
  maxChainPages?: number;
  /** For Retry-After given as an HTTP date. */
  now?: () => Date;
}

/** An address as Esplora takes it in a path: base58 or bech32 characters only. */
const ADDRESS = /^[a-zA-Z0-9]{14,100}$/;
const TXID = /^[0-9a-f]{64}$/;

/**
 * A small client of an Esplora REST API: the tip height, an address's transactions (mempool and every
 * confirmed page), a transaction's status. Every answer is validated (esplora.types.ts); every failure
 * is one of the typed errors above, so that the watcher slows down on 429/unavailable rather than stops.
 */
export class EsploraClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxChainPages: number;
  private readonly now: () => Date;

  constructor(options: EsploraClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
    this.maxChainPages = options.maxChainPages ?? 40;
    this.now = options.now ?? (() => new Date());
  }

  /** GET /blocks/tip/height (plain text). */
  async tipHeight(): Promise<number> {
    const path = '/blocks/tip/height';
    const body = await this.get(path);
    try {
      return parseTipHeight(body);
    } catch (e) {
      throw malformed(path, e);
    }
  }

  /**
   * Every transaction of the address that matters: GET /address/:a/txs (up to 50 unconfirmed and the
   * newest 25 confirmed), then, while a confirmed page is full, /txs/chain/:last_seen_txid. A long-used
   * address would cost one request per 25 transactions at every poll: with `sinceHeight` (e.g. a little
   * below the height when the invoice was created) paging stops at the first page reaching below it,
   * since older transactions cannot pay the invoice. Without it, past `maxChainPages` pages this throws
   * EsploraHistoryTooLongError rather than answer a history it did not read whole.
   */
  async addressTxs(address: string, options: { sinceHeight?: number } = {}): Promise<AddressHistory> {
    if (!ADDRESS.test(address)) throw new RangeError(`not an address: ${address}`);
    const base = `/address/${address}/txs`;
    const first = await this.getTxs(base);
    const seen = new Set<string>();
    const txs: EsploraTx[] = [];
    const add = (tx: EsploraTx) => {
      if (seen.has(tx.txid)) return;
      seen.add(tx.txid);
      txs.push(tx);
    };
    const mempool = first.filter((tx) => !tx.status.confirmed);
    let page = first.filter((tx) => tx.status.confirmed);
    mempool.forEach(add);
    page.forEach(add);
    let pages = 1;
    while (page.length >= CHAIN_PAGE_SIZE) {
      const oldest = page[page.length - 1];
      if (
        options.sinceHeight !== undefined &&
        oldest.status.blockHeight !== null &&
        oldest.status.blockHeight < options.sinceHeight
      )
        break;
      if (pages >= this.maxChainPages) throw new EsploraHistoryTooLongError(base, pages);
      const path = `${base}/chain/${oldest.txid}`;
      page = await this.getTxs(path);
      if (page.some((tx) => !tx.status.confirmed))
        throw new EsploraMalformedError(path, 'an unconfirmed transaction in a confirmed page');
      page.forEach(add);
      pages += 1;
    }
    return { txs, mempoolComplete: mempool.length < MEMPOOL_LIMIT };
  }

  /** GET /tx/:txid/status; null when the server knows no such transaction (404: replaced, evicted). */
  async transactionStatus(txid: string): Promise<EsploraStatus | null> {
    if (!TXID.test(txid)) throw new RangeError(`not a txid: ${txid}`);
    const path = `/tx/${txid}/status`;
    const body = await this.get(path, { notFound: true });
    if (body === null) return null;
    try {
      return parseStatus(parseJson(body));
    } catch (e) {
      throw malformed(path, e);
    }
  }

  private async getTxs(path: string): Promise<EsploraTx[]> {
    const body = await this.get(path);
    try {
      return parseTxs(parseJson(body));
    } catch (e) {
      throw malformed(path, e);
    }
  }

  private async get(path: string): Promise<string>;
  private async get(path: string, options: { notFound: true }): Promise<string | null>;
  private async get(path: string, options: { notFound?: boolean } = {}): Promise<string | null> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        signal,
        headers: { accept: 'application/json, text/plain' },
      });
    } catch (e) {
      throw unavailable(path, e);
    }
    try {
      if (res.status === 429) {
        await res.body?.cancel();
        throw new EsploraRateLimitedError(path, retryAfter(res.headers.get('retry-after'), this.now()));
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        throw new EsploraUnavailableError(path, 'server_error', res.status);
      }
      if (res.status === 404 && options.notFound) {
        await res.body?.cancel();
        return null;
      }
      const body = await readCapped(res, this.maxBodyBytes, path);
      if (res.status !== 200) throw new EsploraRejectedError(path, res.status, body);
      return body;
    } catch (e) {
      if (e instanceof EsploraError) throw e;
      throw unavailable(path, e);
    }
  }
}

/**
 * The clients of both networks, from ESPLORA_URL_MAINNET / ESPLORA_URL_TESTNET (a store's network
 * follows its key: zpub/ypub/xpub mainnet, vpub/upub/tpub testnet).
 */
@Injectable()
export class EsploraClients {
  private readonly clients: Partial<Record<ChainNetwork, EsploraClient>> = {};

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    for (const network of ['mainnet', 'testnet'] as const) {
      const baseUrl = config.chain.esploraUrls[network];
      if (baseUrl) this.clients[network] = new EsploraClient({ baseUrl });
    }
  }

  /** Undefined for a network without its URL (only under NODE_ENV=test): it is not watched. */
  for(network: ChainNetwork): EsploraClient | undefined {
    return this.clients[network];
  }
}

/** Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfter(header: string | null, now: Date): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

async function readCapped(res: Response, max: number, path: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new EsploraMalformedError(path, `an answer of ${declared} bytes (at most ${max})`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new EsploraMalformedError(path, `an answer of more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new EsploraShapeError('$', 'not JSON');
  }
}

function malformed(path: string, e: unknown): Error {
  if (e instanceof EsploraShapeError) return new EsploraMalformedError(path, e.message);
  return e instanceof Error ? e : new Error(String(e));
}

function unavailable(path: string, e: unknown): EsploraUnavailableError {
  // fetch rejects with a DOMException (TimeoutError) for AbortSignal.timeout: read its name, not its class.
  const name = typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return new EsploraUnavailableError(path, timedOut ? 'timeout' : 'unreachable', null, e);
}
