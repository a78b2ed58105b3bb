/**
 * The parts of Esplora's answers (Blockstream/esplora API.md, electrs rest.rs; mempool.space's /api has
 * the same shapes) that the chain watcher reads, and their validation: an answer is data from another
 * server, never trusted. Amounts are satoshis (integers in JSON, bigints here).
 */

export interface EsploraStatus {
  confirmed: boolean;
  /** Set when confirmed. */
  blockHeight: number | null;
  blockHash: string | null;
  /** Unix seconds, when confirmed. */
  blockTime: number | null;
}

export interface EsploraVin {
  /** The output it spends (absent for a coinbase input). */
  txid: string | null;
  vout: number | null;
  isCoinbase: boolean;
  /** nSequence: below 0xfffffffe signals replace-by-fee (BIP 125). */
  sequence: number;
}

export interface EsploraVout {
  /** Absent for outputs without an address (OP_RETURN, bare multisig…). */
  address: string | null;
  sats: bigint;
}

export interface EsploraTx {
  txid: string;
  vin: EsploraVin[];
  vout: EsploraVout[];
  status: EsploraStatus;
}

/** Why an answer was refused: the path in the JSON and what was wrong there. */
export class EsploraShapeError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'EsploraShapeError';
  }
}

const TXID = /^[0-9a-f]{64}$/;
const HASH = /^[0-9a-f]{64}$/;
const MAX_SEQUENCE = 0xffffffff;
/** 21 million BTC in satoshis: no output holds more. */
const MAX_SATS = 2_100_000_000_000_000;

/** An array of transactions (GET /address/:a/txs, /txs/chain[/:last], /txs/mempool). */
export function parseTxs(json: unknown, path = '$'): EsploraTx[] {
  if (!Array.isArray(json)) throw new EsploraShapeError(path, 'expected an array of transactions');
  return json.map((tx, i) => parseTx(tx, `${path}[${i}]`));
}

export function parseTx(json: unknown, path = '$'): EsploraTx {
  const tx = object(json, path);
  const txid = hex(tx.txid, `${path}.txid`, TXID);
  if (!Array.isArray(tx.vin)) throw new EsploraShapeError(`${path}.vin`, 'expected an array');
  if (!Array.isArray(tx.vout)) throw new EsploraShapeError(`${path}.vout`, 'expected an array');
  return {
    txid,
    vin: tx.vin.map((vin, i) => parseVin(vin, `${path}.vin[${i}]`)),
    vout: tx.vout.map((vout, i) => parseVout(vout, `${path}.vout[${i}]`)),
    status: parseStatus(tx.status, `${path}.status`),
  };
}

/** GET /tx/:txid/status. */
export function parseStatus(json: unknown, path = '$'): EsploraStatus {
  const status = object(json, path);
  if (typeof status.confirmed !== 'boolean')
    throw new EsploraShapeError(`${path}.confirmed`, 'expected a boolean');
  if (!status.confirmed) return { confirmed: false, blockHeight: null, blockHash: null, blockTime: null };
  return {
    confirmed: true,
    blockHeight: integer(status.block_height, `${path}.block_height`, 0, 100_000_000),
    blockHash:
      status.block_hash === undefined || status.block_hash === null
        ? null
        : hex(status.block_hash, `${path}.block_hash`, HASH),
    blockTime:
      status.block_time === undefined || status.block_time === null
        ? null
        : integer(status.block_time, `${path}.block_time`, 0, 2 ** 40),
  };
}

/** GET /blocks/tip/height: a plain-text integer. */
export function parseTipHeight(body: string): number {
  const text = body.trim();
  if (!/^\d{1,9}$/.test(text)) throw new EsploraShapeError('tip height', 'expected a plain-text integer');
  return Number(text);
}

function parseVin(json: unknown, path: string): EsploraVin {
  const vin = object(json, path);
  const isCoinbase = vin.is_coinbase === true;
  if (vin.is_coinbase !== undefined && typeof vin.is_coinbase !== 'boolean')
    throw new EsploraShapeError(`${path}.is_coinbase`, 'expected a boolean');
  return {
    txid: isCoinbase && !vin.txid ? null : hex(vin.txid, `${path}.txid`, TXID),
    vout: isCoinbase && vin.vout === undefined ? null : integer(vin.vout, `${path}.vout`, 0, MAX_SEQUENCE),
    isCoinbase,
    sequence: integer(vin.sequence, `${path}.sequence`, 0, MAX_SEQUENCE),
  };
}

function parseVout(json: unknown, path: string): EsploraVout {
  const vout = object(json, path);
  const address = vout.scriptpubkey_address;
  if (address !== undefined && address !== null && (typeof address !== 'string' || address.length > 100))
    throw new EsploraShapeError(`${path}.scriptpubkey_address`, 'expected an address string');
  return {
    address: typeof address === 'string' ? address : null,
    sats: BigInt(integer(vout.value, `${path}.value`, 0, MAX_SATS)),
  };
}

function object(json: unknown, path: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new EsploraShapeError(path, 'expected an object');
  return json as Record<string, unknown>;
}

function hex(value: unknown, path: string, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value))
    throw new EsploraShapeError(path, 'expected 64 lower-case hex digits');
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw new EsploraShapeError(path, `expected a whole number from ${min} to ${max}`);
  return value;
}
