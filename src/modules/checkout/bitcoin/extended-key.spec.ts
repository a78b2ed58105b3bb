import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { deriveReceivingAddress, paymentUri, type DerivedAddress } from './addresses.js';
import { parseAccountKey, type AccountKey } from './extended-key.js';

// PAYMENTS.md §1.3, quoted from the BIP texts and SLIP-132 (mnemonic "abandon … about").
const BIP84_ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const BIP84_ZPRV_ACCOUNT =
  'zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1yYNZKEm7z6qUWCroSQnE';
const BIP84_ZPRV_ROOT =
  'zprvAWgYBBk7JR8Gjrh4UJQ2uJdG1r3WNRRfURiABBE3RvMXYSrRJL62XuezvGdPvG6GFBZduosCc1YP5wixPox7zhZLfiUm8aunE96BBa4Kei5';
const BIP49_UPUB =
  'upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY';
const BIP49_UPRV =
  'uprv91G7gZkzehuMVxDJTYE6tLivdF8e4rvzSu1LFfKw3b2Qx1Aj8vpoFnHdfUZ3hmi9jsvPifmZ24RTN2KhwB8BfMLTVqaBReibyaFFcTP1s9n';
const SLIP132_YPUB =
  'ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP';
const VPUB =
  'vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc';
const VPUB_AS_TPUB =
  'tpubDC8msFGeGuwnKG9Upg7DM2b4DaRqg3CUZa5g8v2SRQ6K4NSkxUgd7HsL2XVWbVm39yBA4LAxysQAm397zwQSQoQgewGiYZqrA9DsP4zbQ1M';
const BIP49_TESTNET_AS_TPUB =
  'tpubDD7tXK8KeQ3YY83yWq755fHY2JW8Ha8Q765tknUM5rSvjPcGWfUppDFMpQ1ScziKfW3ZNtZvAD7M3u7bSs7HofjTD3KP3YxPK7X6hwV8Rk2';
const BIP49_MAINNET_AS_XPUB =
  'xpub6C6nQwHaWbSrzs5tZ1q7m5R9cPK9eYpNMFesiXsYrgc1P8bvLLAet9JfHjYXKjToD8cBRswJXXbbFpXgwsswVPAZzKMa1jUp2kVkGVUaJa7';
const BIP84_MAINNET_AS_XPUB =
  'xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V';

const base58check = createBase58check(sha256);

function parsed(text: string, addressType?: string): AccountKey {
  const result = parseAccountKey(text, addressType);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.key;
}

function problemOf(text: string, addressType?: string): string {
  const result = parseAccountKey(text, addressType);
  return result.ok ? 'accepted' : result.problem;
}

/** The same key under other version bytes (what a wallet exporting another prefix would give). */
function withVersion(text: string, version: number): string {
  const bytes = base58check.decode(text);
  new DataView(bytes.buffer, bytes.byteOffset, 4).setUint32(0, version, false);
  return base58check.encode(bytes);
}

const address = (key: AccountKey, n: number): DerivedAddress => deriveReceivingAddress(key, n);

describe('parseAccountKey + deriveReceivingAddress: the BIP vectors', () => {
  it('BIP84 zpub: mainnet p2wpkh, 0/0 and 0/1 are the BIP84 addresses with their public keys', () => {
    const key = parsed(BIP84_ZPUB);
    expect({ network: key.network, addressType: key.addressType, depth: key.depth }).toEqual({
      network: 'mainnet',
      addressType: 'p2wpkh',
      depth: 3,
    });
    expect(address(key, 0)).toEqual({
      address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      keyPath: '0/0',
      index: 0,
      publicKey: '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c',
    });
    expect(address(key, 1)).toMatchObject({
      address: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
      publicKey: '03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77',
      keyPath: '0/1',
    });
  });

  it('BIP49 upub (testnet): 0/0 is the BIP49 address 2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2 with its public key', () => {
    const key = parsed(BIP49_UPUB);
    expect({ network: key.network, addressType: key.addressType }).toEqual({
      network: 'testnet',
      addressType: 'p2sh-p2wpkh',
    });
    expect(address(key, 0)).toMatchObject({
      address: '2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2',
      publicKey: '03a1af804ac108a8a51782198c2d034b28bf90c8803f5a53f76276fa69a4eae77f',
    });
    expect(address(key, 1).address).toBe('2N55m54k8vr95ggehfUcNkdbUuQvaqG2GxK');
  });

  it('SLIP-132 ypub: mainnet p2sh-p2wpkh, 0/0 is 37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf', () => {
    const key = parsed(SLIP132_YPUB);
    expect(key.network).toBe('mainnet');
    expect(address(key, 0).address).toBe('37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf');
    expect(address(key, 1).address).toBe('3LtMnn87fqUeHBUG414p9CWwnoV6E2pNKS');
  });

  it('vpub (BIP84 testnet) gives tb1 addresses; the same key as a tpub with p2wpkh gives the same ones', () => {
    const vpub = parsed(VPUB);
    const tpub = parsed(VPUB_AS_TPUB, 'p2wpkh');
    for (const n of [0, 1]) expect(address(tpub, n).address).toBe(address(vpub, n).address);
    expect(address(vpub, 0).address).toBe('tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl');
    expect(address(vpub, 1).address).toBe('tb1qd7spv5q28348xl4myc8zmh983w5jx32cjhkn97');
  });

  it('xpub and tpub take the script type from addressType', () => {
    expect(address(parsed(BIP84_MAINNET_AS_XPUB, 'p2wpkh'), 0).address).toBe(
      'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
    );
    expect(address(parsed(BIP49_MAINNET_AS_XPUB, 'p2sh-p2wpkh'), 0).address).toBe(
      '37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf',
    );
    expect(address(parsed(BIP49_TESTNET_AS_TPUB, 'p2sh-p2wpkh'), 0).address).toBe(
      '2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2',
    );
    expect(parsed(BIP49_TESTNET_AS_TPUB, 'p2sh-p2wpkh').network).toBe('testnet');
  });

  it('surrounding whitespace is ignored', () => {
    expect(address(parsed(`  ${BIP84_ZPUB}\n`), 0).address).toBe(
      'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
    );
  });

  it('a depth-0 master public key is accepted (Electrum); addresses are m/0/n', () => {
    const root = HDKey.fromExtendedKey(BIP84_ZPRV_ROOT, { public: 0x04b24746, private: 0x04b2430c });
    const zpub = root.publicExtendedKey;
    const key = parsed(zpub);
    expect(key.depth).toBe(0);
    expect(address(key, 0).publicKey).toBe(
      Buffer.from(root.deriveChild(0).deriveChild(0).publicKey!).toString('hex'),
    );
  });
});

describe('parseAccountKey refusals', () => {
  it('private keys, whatever their prefix, are refused as private keys', () => {
    expect(problemOf(BIP84_ZPRV_ACCOUNT)).toBe('private_key');
    expect(problemOf(BIP84_ZPRV_ROOT)).toBe('private_key');
    expect(problemOf(BIP49_UPRV)).toBe('private_key');
    // xprv / tprv / yprv of the same key
    expect(problemOf(withVersion(BIP84_ZPRV_ACCOUNT, 0x0488ade4), 'p2wpkh')).toBe('private_key');
    expect(problemOf(withVersion(BIP84_ZPRV_ACCOUNT, 0x04358394), 'p2wpkh')).toBe('private_key');
    expect(problemOf(withVersion(BIP84_ZPRV_ACCOUNT, 0x049d7878))).toBe('private_key');
    // private key data under a public version
    expect(problemOf(withVersion(BIP84_ZPRV_ACCOUNT, 0x04b24746))).toBe('private_key');
    const message = parseAccountKey(BIP84_ZPRV_ACCOUNT);
    expect(!message.ok && message.message).toMatch(/private key \(zprv\)/);
  });

  it('multisig prefixes Ypub, Zpub, Upub, Vpub are refused', () => {
    for (const [version, name] of [
      [0x0295b43f, 'Ypub'],
      [0x02aa7ed3, 'Zpub'],
      [0x024289ef, 'Upub'],
      [0x02575483, 'Vpub'],
    ] as const) {
      const key = withVersion(BIP84_ZPUB, version);
      expect(key.startsWith(name)).toBe(true);
      const result = parseAccountKey(key);
      expect(result.ok ? 'accepted' : [result.problem, result.message.includes(name)]).toEqual([
        'multisig',
        true,
      ]);
    }
  });

  it('a changed character fails the checksum', () => {
    const last = BIP84_ZPUB.at(-1) === 's' ? 't' : 's';
    expect(problemOf(BIP84_ZPUB.slice(0, -1) + last)).toBe('bad_checksum');
    expect(problemOf(BIP84_ZPUB.slice(0, 40) + BIP84_ZPUB.slice(41))).toBe('bad_checksum');
  });

  it('a valid base58check of the wrong length is not a key', () => {
    const bytes = base58check.decode(BIP84_ZPUB);
    expect(problemOf(base58check.encode(bytes.slice(0, 77)))).toBe('wrong_length');
    expect(problemOf(base58check.encode(new Uint8Array([...bytes, 0])))).toBe('wrong_length');
  });

  it('what is not base58 at all, or is empty, is not a key', () => {
    expect(problemOf('')).toBe('not_a_key');
    expect(problemOf('zpub0OIl')).toBe('not_a_key');
    expect(problemOf('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu')).toBe('not_a_key');
    expect(problemOf('x'.repeat(300))).toBe('not_a_key');
  });

  it('unknown version bytes (Ltub, a made-up one) are refused', () => {
    expect(problemOf(withVersion(BIP84_ZPUB, 0x019da462))).toBe('unknown_version');
    expect(problemOf(withVersion(BIP84_ZPUB, 0x12345678))).toBe('unknown_version');
  });

  it('xpub/tpub without addressType, or with an unknown one, are refused; a contradicting one on zpub too', () => {
    expect(problemOf(BIP84_MAINNET_AS_XPUB)).toBe('address_type_required');
    expect(problemOf(VPUB_AS_TPUB, 'p2pkh')).toBe('address_type_required');
    expect(problemOf(BIP84_ZPUB, 'p2sh-p2wpkh')).toBe('address_type_mismatch');
    expect(problemOf(BIP84_ZPUB, 'p2wpkh')).toBe('accepted');
  });

  it('a chain-level key (depth 4) or a purpose-level one (depth 1, 2) is refused', () => {
    const account = HDKey.fromExtendedKey(BIP84_ZPUB, { public: 0x04b24746, private: 0x04b2430c });
    expect(problemOf(account.deriveChild(0).publicExtendedKey)).toBe('depth');
    const root = HDKey.fromExtendedKey(BIP84_ZPRV_ROOT, { public: 0x04b24746, private: 0x04b2430c });
    expect(problemOf(root.derive("m/84'").publicExtendedKey)).toBe('depth');
    expect(problemOf(root.derive("m/84'/0'").publicExtendedKey)).toBe('depth');
  });

  it('a key whose public key is not a curve point is refused', () => {
    const bytes = base58check.decode(BIP84_ZPUB);
    bytes[45] = 0x04; // neither 02 nor 03: not a compressed point
    expect(problemOf(base58check.encode(bytes))).toBe('invalid_point');
  });
});

describe('paymentUri', () => {
  it('is BIP21 with the amount in BTC, without trailing zeros', () => {
    expect(paymentUri('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', '0.04576250')).toBe(
      'bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.0457625',
    );
    expect(paymentUri('2N', '1.00000000')).toBe('bitcoin:2N?amount=1');
  });
});
