import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';

/**
 * BOLT #11 payment requests, encoded and signed (lightning/bolts 11-payment-encoding.md). Pure: the same
 * fields and key give the same string, which is how the spec's own test vectors are reproduced.
 */

/** Bech32 prefixes after `ln`: mainnet, testnet, signet, regtest. */
export type Bolt11Network = 'bc' | 'tb' | 'tbs' | 'bcrt';

export interface Bolt11Fields {
  network: Bolt11Network;
  /** Millisatoshis; undefined: any amount (the payer chooses, as for a donation). */
  amountMsat?: bigint;
  /** Seconds since the Unix epoch: when the invoice was made. */
  timestamp: number;
  /** 32 bytes: sha256 of the preimage. */
  paymentHash: Uint8Array;
  /** 32 bytes, `s`: proves to the payee that the payer got it from the invoice (anti-probing). */
  paymentSecret?: Uint8Array;
  /** `d`, UTF-8. Exactly one of description and descriptionHash. */
  description?: string;
  /** `h`: 32 bytes, sha256 of a description too long for the invoice. */
  descriptionHash?: Uint8Array;
  /** `x`: seconds after `timestamp` the invoice stops being payable. Omitted: 3600 for every reader. */
  expirySeconds?: number;
  /** `c`: min_final_cltv_expiry_delta. Omitted: 18 for every reader. */
  minFinalCltvExpiry?: number;
  /** `9`: the feature bits set, e.g. [8, 14] (var_onion_optin, payment_secret), both required. */
  featureBits?: number[];
  /** Write the payee's node key in `n` (readers can recover it from the signature anyway). */
  includePayeeNodeKey?: boolean;
}

/** var_onion_optin and payment_secret, both compulsory (even bits): what every modern invoice sets. */
export const MODERN_FEATURE_BITS = [8, 14];

/** The largest multiplier that divides an amount is used: `m` = 10^9 pico-BTC, `u` 10^6, `n` 10^3, `p` 1. */
const MULTIPLIERS: Array<[string, bigint]> = [
  ['m', 1_000_000_000n],
  ['u', 1_000_000n],
  ['n', 1_000n],
  ['p', 1n],
];

/** 21 million BTC, in millisatoshis: no payment can be larger. */
export const MAX_AMOUNT_MSAT = 21_000_000n * 100_000_000n * 1000n;

/** A tagged field's length is written in two 5-bit words. */
const MAX_FIELD_WORDS = 1023;

export class Bolt11EncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Bolt11EncodingError';
  }
}

/** The human-readable part: `ln` + network + amount with its multiplier. */
export function bolt11Prefix(network: Bolt11Network, amountMsat?: bigint): string {
  if (amountMsat === undefined) return `ln${network}`;
  if (typeof amountMsat !== 'bigint' || amountMsat <= 0n || amountMsat > MAX_AMOUNT_MSAT) {
    throw new Bolt11EncodingError(
      `amount must be a positive whole number of millisatoshis up to 21 million BTC, got ${String(amountMsat)}`,
    );
  }
  const pico = amountMsat * 10n;
  for (const [letter, size] of MULTIPLIERS) {
    // `p` always divides; the spec requires its amount to end in 0, which msat × 10 always does.
    if (pico % size === 0n) return `ln${network}${pico / size}${letter}`;
  }
  throw new Error('unreachable: p divides every amount');
}

/** The invoice, signed with the node's 32-byte secp256k1 private key. */
export function encodeBolt11(fields: Bolt11Fields, privateKey: Uint8Array): string {
  const prefix = bolt11Prefix(fields.network, fields.amountMsat);
  const words: number[] = [...intToWords(checkTimestamp(fields.timestamp), 7)];

  const tag = (letter: string, data: number[]) => {
    if (data.length > MAX_FIELD_WORDS) {
      throw new Bolt11EncodingError(`field ${letter} is longer than ${MAX_FIELD_WORDS} words`);
    }
    words.push(CHARSET.indexOf(letter), data.length >> 5, data.length & 31, ...data);
  };

  tag('p', bytesToWords(check32(fields.paymentHash, 'payment hash')));
  if ((fields.description === undefined) === (fields.descriptionHash === undefined)) {
    throw new Bolt11EncodingError('exactly one of description and description hash is required');
  }
  if (fields.description !== undefined) {
    tag('d', bytesToWords(new TextEncoder().encode(fields.description)));
  } else {
    tag('h', bytesToWords(check32(fields.descriptionHash!, 'description hash')));
  }
  if (fields.paymentSecret !== undefined) {
    tag('s', bytesToWords(check32(fields.paymentSecret, 'payment secret')));
  }
  if (fields.expirySeconds !== undefined) {
    tag('x', intToMinimalWords(checkPositive(fields.expirySeconds, 'expiry')));
  }
  if (fields.minFinalCltvExpiry !== undefined) {
    tag('c', intToMinimalWords(checkPositive(fields.minFinalCltvExpiry, 'min_final_cltv_expiry')));
  }
  if (fields.featureBits !== undefined && fields.featureBits.length > 0) {
    tag('9', featureWords(fields.featureBits));
  }
  if (fields.includePayeeNodeKey) {
    tag('n', bytesToWords(secp256k1.getPublicKey(privateKey, true)));
  }

  // The signature covers the prefix's UTF-8 bytes and the data words, zero-padded to whole bytes.
  const hrpBytes = new TextEncoder().encode(prefix);
  const dataBytes = wordsToPaddedBytes(words);
  const message = new Uint8Array(hrpBytes.length + dataBytes.length);
  message.set(hrpBytes);
  message.set(dataBytes, hrpBytes.length);
  const recovered = secp256k1.sign(sha256(message), privateKey, { prehash: false, format: 'recovered' });
  // noble writes recovery id ‖ r ‖ s; BOLT #11 wants r ‖ s ‖ recovery id.
  const signature = new Uint8Array(65);
  signature.set(recovered.subarray(1, 65));
  signature[64] = recovered[0];
  words.push(...bytesToWords(signature));

  return bech32.encode(prefix, words, false);
}

/** The compressed public key (33 bytes, hex) of a node's private key: its node id. */
export function nodeIdOf(privateKey: Uint8Array): string {
  return Buffer.from(secp256k1.getPublicKey(privateKey, true)).toString('hex');
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function check32(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new Bolt11EncodingError(`${what} must be 32 bytes, got ${bytes?.length ?? 'none'}`);
  }
  return bytes;
}

function checkTimestamp(timestamp: number): number {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 2 ** 35) {
    throw new Bolt11EncodingError(`timestamp must be whole seconds within 35 bits, got ${timestamp}`);
  }
  return timestamp;
}

function checkPositive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Bolt11EncodingError(`${what} must be a positive whole number, got ${value}`);
  }
  return value;
}

/** 8-bit bytes to 5-bit words, the last word zero-padded (a 32-byte hash is 52 words). */
function bytesToWords(bytes: Uint8Array): number[] {
  return Array.from(bech32.toWords(bytes));
}

function wordsToPaddedBytes(words: number[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((words.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const word of words) {
    acc = (acc << 5) | word;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      bytes[at++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) bytes[at] = (acc << (8 - bits)) & 0xff;
  return bytes;
}

/** Big-endian in exactly `count` words. */
function intToWords(value: number, count: number): number[] {
  const words: number[] = [];
  let rest = value;
  for (let i = 0; i < count; i++) {
    words.unshift(rest % 32);
    rest = Math.floor(rest / 32);
  }
  return words;
}

/** Big-endian in as few words as the value needs (the spec's SHOULD for x and c). */
function intToMinimalWords(value: number): number[] {
  const words: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 32)) words.unshift(rest % 32);
  return words;
}

/** Bit i counts from the end of the field: bit 0 is the last word's lowest bit. */
function featureWords(bits: number[]): number[] {
  if (bits.some((b) => !Number.isSafeInteger(b) || b < 0 || b >= MAX_FIELD_WORDS * 5)) {
    throw new Bolt11EncodingError(`feature bits must be whole numbers below ${MAX_FIELD_WORDS * 5}`);
  }
  const length = Math.floor(Math.max(...bits) / 5) + 1;
  const words = new Array<number>(length).fill(0);
  for (const bit of bits) words[length - 1 - Math.floor(bit / 5)] |= 1 << (bit % 5);
  return words;
}
