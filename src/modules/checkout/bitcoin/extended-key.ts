import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * A store's extended public key (its "derivation scheme"), read after SLIP-132: the version bytes say
 * the network and, except for xpub/tpub, the script type. Pure: no I/O, no Nest.
 */
export type BitcoinNetwork = 'mainnet' | 'testnet';
export type AddressType = 'p2wpkh' | 'p2sh-p2wpkh';
export const ADDRESS_TYPES: readonly AddressType[] = ['p2wpkh', 'p2sh-p2wpkh'];

export interface AccountKey {
  /** The key as given (trimmed). */
  text: string;
  prefix: string;
  network: BitcoinNetwork;
  addressType: AddressType;
  depth: number;
  /** The node, ready for public derivation. */
  node: HDKey;
}

export type KeyProblem =
  | 'not_a_key'
  | 'bad_checksum'
  | 'wrong_length'
  | 'private_key'
  | 'multisig'
  | 'unknown_version'
  | 'address_type_required'
  | 'address_type_mismatch'
  | 'depth'
  | 'invalid_point';

interface Version {
  prefix: string;
  network: BitcoinNetwork;
  /** Null: the prefix does not say (xpub/tpub), the caller must. */
  addressType: AddressType | null;
  /** The private version of the same kind, which HDKey wants beside the public one. */
  privateVersion: number;
}

/** SLIP-132's single-signature public versions (PAYMENTS.md §1.2). */
const PUBLIC_VERSIONS = new Map<number, Version>([
  [0x0488b21e, { prefix: 'xpub', network: 'mainnet', addressType: null, privateVersion: 0x0488ade4 }],
  [
    0x049d7cb2,
    { prefix: 'ypub', network: 'mainnet', addressType: 'p2sh-p2wpkh', privateVersion: 0x049d7878 },
  ],
  [0x04b24746, { prefix: 'zpub', network: 'mainnet', addressType: 'p2wpkh', privateVersion: 0x04b2430c }],
  [0x043587cf, { prefix: 'tpub', network: 'testnet', addressType: null, privateVersion: 0x04358394 }],
  [
    0x044a5262,
    { prefix: 'upub', network: 'testnet', addressType: 'p2sh-p2wpkh', privateVersion: 0x044a4e28 },
  ],
  [0x045f1cf6, { prefix: 'vpub', network: 'testnet', addressType: 'p2wpkh', privateVersion: 0x045f18bc }],
]);

/** Private versions, single and multisig: recognised only to be refused by name. */
const PRIVATE_VERSIONS = new Map<number, string>([
  [0x0488ade4, 'xprv'],
  [0x049d7878, 'yprv'],
  [0x04b2430c, 'zprv'],
  [0x0295b005, 'Yprv'],
  [0x02aa7a99, 'Zprv'],
  [0x04358394, 'tprv'],
  [0x044a4e28, 'uprv'],
  [0x045f18bc, 'vprv'],
  [0x024285b5, 'Uprv'],
  [0x02575048, 'Vprv'],
]);

/** Multisig public versions (P2WSH and P2WSH-in-P2SH): one key cannot make a multisig address. */
const MULTISIG_VERSIONS = new Map<number, string>([
  [0x0295b43f, 'Ypub'],
  [0x02aa7ed3, 'Zpub'],
  [0x024289ef, 'Upub'],
  [0x02575483, 'Vpub'],
]);

/**
 * Depths accepted: 3, an account key as BIP44/49/84 wallets export it (m/84'/0'/0'), and 0, a wallet's
 * master public key as Electrum exports it for its own seeds (addresses m/0/n). Any other depth is a
 * key the merchant's wallet does not derive its receiving addresses from with …/0/n: a chain key
 * (depth 4, already …/0) would hand out addresses the wallet never looks at, so it is refused.
 */
export const ACCEPTED_DEPTHS: readonly number[] = [0, 3];

const base58check = createBase58check(sha256);
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
const KEY_LENGTH = 78;

export function parseAccountKey(
  input: string,
  addressType?: string | null,
): { ok: true; key: AccountKey } | { ok: false; problem: KeyProblem; message: string } {
  const fail = (problem: KeyProblem, message: string) => ({ ok: false as const, problem, message });
  const text = input.trim();
  if (text.length === 0 || text.length > 200 || !BASE58.test(text)) {
    return fail('not_a_key', 'derivationScheme must be an extended public key (zpub…, ypub…, vpub…, xpub…)');
  }
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(text);
  } catch {
    return fail('bad_checksum', 'derivationScheme has a bad checksum: a character is wrong or missing');
  }
  if (bytes.length !== KEY_LENGTH) {
    return fail(
      'wrong_length',
      `derivationScheme is not an extended key: ${bytes.length} bytes instead of ${KEY_LENGTH}`,
    );
  }
  const versionNumber = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  const privateName = PRIVATE_VERSIONS.get(versionNumber);
  if (privateName || bytes[45] === 0) {
    return fail(
      'private_key',
      `derivationScheme is a private key (${privateName ?? 'private key data'}): never send it anywhere; ` +
        'give the extended public key of the same account instead',
    );
  }
  const multisig = MULTISIG_VERSIONS.get(versionNumber);
  if (multisig) {
    return fail(
      'multisig',
      `derivationScheme is a multisig key (${multisig}): only single-signature keys (zpub, ypub, xpub, vpub, upub, tpub) are supported`,
    );
  }
  const version = PUBLIC_VERSIONS.get(versionNumber);
  if (!version) {
    return fail(
      'unknown_version',
      'derivationScheme has unknown version bytes: expected a zpub, ypub, xpub, vpub, upub or tpub',
    );
  }
  let type: AddressType;
  if (version.addressType) {
    if (addressType && addressType !== version.addressType) {
      return fail(
        'address_type_mismatch',
        `A ${version.prefix} makes ${version.addressType} addresses: addressType ${addressType} contradicts it`,
      );
    }
    type = version.addressType;
  } else {
    if (!addressType || !(ADDRESS_TYPES as readonly string[]).includes(addressType)) {
      return fail(
        'address_type_required',
        `A ${version.prefix} does not say which addresses to make: set addressType to p2wpkh (bc1…/tb1…) or p2sh-p2wpkh (3…/2…)`,
      );
    }
    type = addressType as AddressType;
  }
  const depth = bytes[4];
  if (!ACCEPTED_DEPTHS.includes(depth)) {
    return fail(
      'depth',
      `derivationScheme must be an account key (depth 3, as exported for m/84'/0'/0') or a wallet's master public key (depth 0); this one has depth ${depth}`,
    );
  }
  let node: HDKey;
  try {
    node = HDKey.fromExtendedKey(text, { public: versionNumber, private: version.privateVersion });
  } catch {
    return fail('invalid_point', 'derivationScheme does not hold a valid public key');
  }
  return {
    ok: true,
    key: { text, prefix: version.prefix, network: version.network, addressType: type, depth, node },
  };
}
