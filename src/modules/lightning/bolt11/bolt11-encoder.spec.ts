import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import bolt11 from 'bolt11';
import { decode as lightDecode } from 'light-bolt11-decoder';
import {
  Bolt11EncodingError,
  bolt11Prefix,
  encodeBolt11,
  MODERN_FEATURE_BITS,
  nodeIdOf,
  type Bolt11Fields,
} from './bolt11-encoder.js';

// BOLT #11 (lightning/bolts 11-payment-encoding.md), "Examples": every vector is signed with this key
// at this timestamp, for this payment hash unless it says otherwise. Quoted exactly.
const SPEC_KEY = Buffer.from('e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734', 'hex');
const SPEC_NODE_ID = '03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad';
const SPEC_TIMESTAMP = 1496314658;
const SPEC_HASH = Buffer.from('0001020304050607080900010203040506070809000102030405060708090102', 'hex');

const base = { network: 'bc' as const, timestamp: SPEC_TIMESTAMP, paymentHash: SPEC_HASH };

const VECTORS: Array<[string, Bolt11Fields, string]> = [
  [
    'donation, any amount',
    { ...base, description: 'Please consider supporting this project' },
    'lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq8rkx3yf5tcsyz3d73gafnh3cax9rn449d9p5uxz9ezhhypd0elx87sjle52x86fux2ypatgddc6k63n7erqz25le42c4u4ecky03ylcqca784w',
  ],
  [
    '$3 cup of coffee, 2500u, expiry 60 s',
    { ...base, amountMsat: 250_000_000n, description: '1 cup coffee', expirySeconds: 60 },
    'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaztrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspfj9srp',
  ],
  [
    'UTF-8 description',
    { ...base, amountMsat: 250_000_000n, description: 'ナンセンス 1杯', expirySeconds: 60 },
    'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny',
  ],
  [
    '20m with a description hash',
    {
      ...base,
      amountMsat: 2_000_000_000n,
      descriptionHash: sha256(
        new TextEncoder().encode(
          'One piece of chocolate cake, one icecream cone, one pickle, one slice of swiss cheese, one slice of salami, one lollypop, one piece of cherry pie, one sausage, one cupcake, and one slice of watermelon',
        ),
      ),
    },
    'lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqscc6gd6ql3jrc5yzme8v4ntcewwz5cnw92tz0pc8qcuufvq7khhr8wpald05e92xw006sq94mg8v2ndf4sefvf9sygkshp5zfem29trqq2yxxz7',
  ],
  [
    'modern: 25m, payment secret, features 9, 15 and 99',
    {
      ...base,
      amountMsat: 2_500_000_000n,
      description: 'coffee beans',
      paymentSecret: Buffer.alloc(32, 0x11),
      featureBits: [9, 15, 99],
    },
    'lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyetpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq67gye39hfg3zd8rgc80k32tvy9xk2xunwm5lzexnvpx6fd77en8qaq424dxgt56cag2dpt359k3ssyhetktkpqh24jqnjyw6uqd08sgptq44qu',
  ],
];

describe('BOLT #11 encoder', () => {
  it('has the spec key', () => {
    expect(nodeIdOf(SPEC_KEY)).toBe(SPEC_NODE_ID);
  });

  it.each(VECTORS)('reproduces the spec vector byte for byte: %s', (_name, fields, expected) => {
    expect(encodeBolt11(fields, SPEC_KEY)).toBe(expected);
  });

  it.each([
    [1n, 'lnbc10p'],
    [250_000_000n, 'lnbc2500u'],
    [2_500_000_000n, 'lnbc25m'],
    [967_878_534n, 'lnbc9678785340p'],
    [1_000n, 'lnbc10n'],
    [100_000_000_000n, 'lnbc1000m'],
  ])('writes %s msat as %s (largest multiplier that divides; p ends in 0)', (msat, prefix) => {
    expect(bolt11Prefix('bc', msat)).toBe(prefix);
  });

  it('makes invoices both independent decoders read back, the oracle recovering our node key', () => {
    const key = randomBytes(32);
    for (const amountMsat of [1n, 1_000n, 21_000n, 123_456_789n, 100_000_000_000n]) {
      const paymentHash = randomBytes(32);
      const paymentSecret = randomBytes(32);
      const fields: Bolt11Fields = {
        network: 'bcrt',
        amountMsat,
        timestamp: 1_800_000_000,
        paymentHash,
        paymentSecret,
        description: 'Facture n°42 — 10 € «pièces»',
        expirySeconds: 600,
        minFinalCltvExpiry: 18,
        featureBits: MODERN_FEATURE_BITS,
      };
      const invoice = encodeBolt11(fields, key);
      expect(invoice.startsWith('lnbcrt')).toBe(true);

      const oracle = bolt11.decode(invoice, {
        bech32: 'bcrt',
        pubKeyHash: 0x6f,
        scriptHash: 0xc4,
        validWitnessVersions: [0],
      });
      expect(oracle.complete).toBe(true);
      expect(oracle.payeeNodeKey).toBe(nodeIdOf(key));
      expect(oracle.millisatoshis).toBe(amountMsat.toString());
      expect(oracle.timestamp).toBe(1_800_000_000);
      expect(oracle.timeExpireDate).toBe(1_800_000_600);
      const tags = Object.fromEntries(oracle.tags.map((t) => [t.tagName, t.data]));
      expect(tags.payment_hash).toBe(paymentHash.toString('hex'));
      expect(tags.payment_secret).toBe(paymentSecret.toString('hex'));
      expect(tags.description).toBe(fields.description);
      expect(tags.min_final_cltv_expiry).toBe(18);

      const light = lightDecode(invoice);
      const sections = Object.fromEntries(
        light.sections.map((s) => [s.name, 'value' in s ? s.value : undefined]),
      );
      expect(sections.amount).toBe(amountMsat.toString());
      expect(sections.payment_hash).toBe(paymentHash.toString('hex'));
      expect(sections.payment_secret).toBe(paymentSecret.toString('hex'));
      expect(sections.description).toBe(fields.description);
      expect(sections.expiry).toBe(600);
      expect(sections.min_final_cltv_expiry).toBe(18);
      expect(sections.timestamp).toBe(1_800_000_000);
      const features = light.sections.find((s) => s.name === 'feature_bits');
      expect(features && 'value' in features && features.value).toMatchObject({
        var_onion_optin: 'required',
        payment_secret: 'required',
      });
    }
  });

  it('writes the payee node key in n when asked', () => {
    const key = randomBytes(32);
    const invoice = encodeBolt11(
      { ...base, network: 'bcrt', description: 'x', includePayeeNodeKey: true },
      key,
    );
    const oracle = bolt11.decode(invoice, {
      bech32: 'bcrt',
      pubKeyHash: 0x6f,
      scriptHash: 0xc4,
      validWitnessVersions: [0],
    });
    expect(oracle.tags.find((t) => t.tagName === 'payee_node_key')?.data).toBe(nodeIdOf(key));
    expect(oracle.payeeNodeKey).toBe(nodeIdOf(key));
  });

  it.each([
    ['a zero amount', { amountMsat: 0n }],
    ['a negative amount', { amountMsat: -1000n }],
    ['an amount above 21 million BTC', { amountMsat: 21_000_000n * 100_000_000_000n + 1n }],
    ['an empty payment hash', { paymentHash: new Uint8Array(0) }],
    ['a 31-byte payment hash', { paymentHash: new Uint8Array(31) }],
    ['a short payment secret', { paymentSecret: new Uint8Array(16) }],
    ['both description and hash', { descriptionHash: new Uint8Array(32) }],
    ['neither description nor hash', { description: undefined }],
    ['a zero expiry', { expirySeconds: 0 }],
    ['a fractional expiry', { expirySeconds: 1.5 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['a timestamp past 35 bits', { timestamp: 2 ** 35 }],
    ['a description longer than a field holds', { description: 'é'.repeat(320) }],
    ['a negative feature bit', { featureBits: [-1] }],
  ])('refuses %s', (_name, change) => {
    const fields = { ...base, amountMsat: 1000n, description: 'd', ...change } as Bolt11Fields;
    expect(() => encodeBolt11(fields, SPEC_KEY)).toThrow(Bolt11EncodingError);
  });

  it('refuses sub-millisatoshi amounts: they cannot be given as a bigint of msat', () => {
    expect(() => bolt11Prefix('bc', 1.5 as unknown as bigint)).toThrow(Bolt11EncodingError);
  });
});
