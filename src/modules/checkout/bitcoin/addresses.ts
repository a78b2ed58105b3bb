import { bech32, createBase58check } from '@scure/base';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { AccountKey, AddressType, BitcoinNetwork } from './extended-key.js';

/** Receiving addresses of an account key, external chain (…/0/n), public derivation only. Pure. */

const NETWORKS: Record<BitcoinNetwork, { bech32: string; scriptHash: number }> = {
  mainnet: { bech32: 'bc', scriptHash: 0x05 },
  testnet: { bech32: 'tb', scriptHash: 0xc4 },
};

/** BIP32 non-hardened indexes end here; an index past it cannot be derived from a public key. */
export const MAX_ADDRESS_INDEX = 0x7fffffff;

const base58check = createBase58check(sha256);
const hash160 = (data: Uint8Array) => ripemd160(sha256(data));

export interface DerivedAddress {
  address: string;
  /** Relative to the account key, as BTCPay shows it: "0/5". */
  keyPath: string;
  index: number;
  publicKey: string;
}

export function deriveReceivingAddress(key: AccountKey, index: number): DerivedAddress {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ADDRESS_INDEX) {
    throw new RangeError(`address index ${index} is out of the non-hardened range`);
  }
  const child = key.node.deriveChild(0).deriveChild(index);
  const publicKey = child.publicKey;
  if (!publicKey) throw new Error('derived key has no public key');
  return {
    address: addressOf(publicKey, key.addressType, key.network),
    keyPath: `0/${index}`,
    index,
    publicKey: bytesToHex(publicKey),
  };
}

/** P2WPKH: bech32 witness v0 of HASH160(pubkey). P2SH-P2WPKH: base58check of HASH160(0x0014‖keyhash). */
export function addressOf(publicKey: Uint8Array, type: AddressType, network: BitcoinNetwork): string {
  const keyHash = hash160(publicKey);
  const net = NETWORKS[network];
  if (type === 'p2wpkh') return bech32.encode(net.bech32, [0, ...bech32.toWords(keyHash)]);
  const redeemScript = new Uint8Array([0x00, 0x14, ...keyHash]);
  return base58check.encode(new Uint8Array([net.scriptHash, ...hash160(redeemScript)]));
}

/** BIP21: `bitcoin:ADDRESS?amount=BTC`, the amount in BTC without trailing zeros ("0.0457625"). */
export function paymentUri(address: string, btcAmount: string): string {
  const amount = btcAmount.includes('.') ? btcAmount.replace(/0+$/, '').replace(/\.$/, '') : btcAmount;
  return `bitcoin:${address}?amount=${amount}`;
}
