import { EsploraShapeError, parseStatus, parseTipHeight, parseTxs } from './esplora.types.js';

const TXID = 'a'.repeat(64);
/** A transaction as Blockstream's esplora answers it (fields the watcher does not read included). */
const REAL = {
  txid: TXID,
  version: 2,
  locktime: 0,
  vin: [
    {
      txid: 'b'.repeat(64),
      vout: 1,
      prevout: { scriptpubkey: '0014', scriptpubkey_type: 'v0_p2wpkh', value: 100_000 },
      scriptsig: '',
      scriptsig_asm: '',
      witness: ['3044', '02'],
      is_coinbase: false,
      sequence: 4294967293,
    },
  ],
  vout: [
    {
      scriptpubkey: '0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2',
      scriptpubkey_asm: 'OP_0 OP_PUSHBYTES_20 c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2',
      scriptpubkey_type: 'v0_p2wpkh',
      scriptpubkey_address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      value: 99_000,
    },
    { scriptpubkey: '6a', scriptpubkey_asm: 'OP_RETURN', scriptpubkey_type: 'op_return', value: 0 },
  ],
  size: 222,
  weight: 561,
  fee: 1000,
  status: { confirmed: true, block_height: 871234, block_hash: 'c'.repeat(64), block_time: 1700000000 },
};

describe('parseTxs', () => {
  it('reads the fields the watcher needs from a real-shaped answer', () => {
    expect(parseTxs([REAL])).toEqual([
      {
        txid: TXID,
        vin: [{ txid: 'b'.repeat(64), vout: 1, isCoinbase: false, sequence: 4294967293 }],
        vout: [
          { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', sats: 99_000n },
          { address: null, sats: 0n },
        ],
        status: { confirmed: true, blockHeight: 871234, blockHash: 'c'.repeat(64), blockTime: 1700000000 },
      },
    ]);
  });

  it('reads an unconfirmed status and a coinbase input', () => {
    const [tx] = parseTxs([
      { ...REAL, vin: [{ is_coinbase: true, sequence: 4294967295 }], status: { confirmed: false } },
    ]);
    expect(tx.status).toEqual({ confirmed: false, blockHeight: null, blockHash: null, blockTime: null });
    expect(tx.vin).toEqual([{ txid: null, vout: null, isCoinbase: true, sequence: 4294967295 }]);
  });

  it.each([
    ['not an array', { txs: [] }, '$'],
    ['a txid that is not hex', [{ ...REAL, txid: 'zz' }], '$[0].txid'],
    ['a value as a string', [{ ...REAL, vout: [{ ...REAL.vout[0], value: '99000' }] }], '$[0].vout[0].value'],
    ['a fractional value', [{ ...REAL, vout: [{ ...REAL.vout[0], value: 0.5 }] }], '$[0].vout[0].value'],
    ['a negative value', [{ ...REAL, vout: [{ ...REAL.vout[0], value: -1 }] }], '$[0].vout[0].value'],
    [
      'more than 21 million BTC',
      [{ ...REAL, vout: [{ ...REAL.vout[0], value: 2.2e15 }] }],
      '$[0].vout[0].value',
    ],
    [
      'a sequence above 32 bits',
      [{ ...REAL, vin: [{ ...REAL.vin[0], sequence: 2 ** 32 }] }],
      '$[0].vin[0].sequence',
    ],
    ['no status', [{ ...REAL, status: undefined }], '$[0].status'],
    [
      'a confirmed status without height',
      [{ ...REAL, status: { confirmed: true } }],
      '$[0].status.block_height',
    ],
    ['vout not an array', [{ ...REAL, vout: {} }], '$[0].vout'],
    [
      'an address that is not a string',
      [{ ...REAL, vout: [{ ...REAL.vout[0], scriptpubkey_address: 5 }] }],
      '$[0].vout[0].scriptpubkey_address',
    ],
  ])('refuses %s, naming where', (_, json, path) => {
    expect(() => parseTxs(json)).toThrow(EsploraShapeError);
    try {
      parseTxs(json);
    } catch (e) {
      expect((e as EsploraShapeError).path).toBe(path);
    }
  });
});

describe('parseStatus and parseTipHeight', () => {
  it('reads /tx/:txid/status', () => {
    expect(parseStatus({ confirmed: false })).toMatchObject({ confirmed: false, blockHeight: null });
    expect(parseStatus({ confirmed: true, block_height: 5 })).toMatchObject({
      confirmed: true,
      blockHeight: 5,
    });
  });

  it('reads the tip height as plain text, and nothing else', () => {
    expect(parseTipHeight('871234')).toBe(871234);
    expect(parseTipHeight('871234\n')).toBe(871234);
    for (const bad of ['', '-1', '87.5', '{"height":1}', '<html>', '1e6', '12345678901'])
      expect(() => parseTipHeight(bad)).toThrow(EsploraShapeError);
  });
});
