import { outputReference, outputsPaying, vanishedOutputs } from './chain-outputs.js';
import type { EsploraTx } from './esplora.types.js';

const ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'; // BIP 84's first receive address
const OTHER = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g';
const FINAL = 0xffffffff;
const txid = (n: number) => n.toString(16).padStart(64, '0');

function tx(
  n: number,
  outputs: [string | null, bigint][],
  height: number | null,
  sequence = FINAL,
): EsploraTx {
  return {
    txid: txid(n),
    vin: [{ txid: txid(1000 + n), vout: 0, isCoinbase: false, sequence }],
    vout: outputs.map(([address, sats]) => ({ address, sats })),
    status:
      height === null
        ? { confirmed: false, blockHeight: null, blockHash: null, blockTime: null }
        : { confirmed: true, blockHeight: height, blockHash: txid(9999), blockTime: 1_700_000_000 },
  };
}

describe('outputsPaying', () => {
  it('lists each output to the address, with sats, confirmations at the tip and the RBF signal', () => {
    const txs = [
      tx(1, [[ADDRESS, 50_000n]], null, 0xfffffffd),
      tx(
        2,
        [
          [OTHER, 1n],
          [ADDRESS, 20_000n],
          [null, 0n],
          [ADDRESS, 30_000n],
        ],
        100,
      ),
    ];
    expect(outputsPaying(ADDRESS, txs, 102)).toEqual([
      { txid: txid(1), vout: 0, sats: 50_000n, confirmations: 0, rbfSignalled: true, blockHeight: null },
      { txid: txid(2), vout: 1, sats: 20_000n, confirmations: 3, rbfSignalled: false, blockHeight: 100 },
      { txid: txid(2), vout: 3, sats: 30_000n, confirmations: 3, rbfSignalled: false, blockHeight: 100 },
    ]);
  });

  it('reads BIP 125: a sequence below 0xfffffffe signals, 0xfffffffe and 0xffffffff do not', () => {
    const at = (sequence: number) => outputsPaying(ADDRESS, [tx(1, [[ADDRESS, 1n]], null, sequence)], 10)[0];
    expect(at(0xfffffffd).rbfSignalled).toBe(true);
    expect(at(0).rbfSignalled).toBe(true);
    expect(at(0xfffffffe).rbfSignalled).toBe(false);
    expect(at(FINAL).rbfSignalled).toBe(false);
  });

  it('counts a transaction listed twice once, confirmed winning', () => {
    const out = outputsPaying(ADDRESS, [tx(1, [[ADDRESS, 5n]], null), tx(1, [[ADDRESS, 5n]], 50)], 50);
    expect(out).toEqual([expect.objectContaining({ confirmations: 1, blockHeight: 50 })]);
  });

  it('compares bech32 addresses without case; never counts another address', () => {
    expect(outputsPaying(ADDRESS.toUpperCase(), [tx(1, [[ADDRESS, 5n]], null)], 1)).toHaveLength(1);
    expect(outputsPaying(ADDRESS, [tx(1, [[OTHER, 5n]], null)], 1)).toEqual([]);
    // Base58 is case-sensitive.
    expect(
      outputsPaying(
        '3AbC1111111111111111111111111',
        [tx(1, [['3abc1111111111111111111111111', 5n]], null)],
        1,
      ),
    ).toEqual([]);
  });

  it('gives a block above the tip (tip read first) 1 confirmation, never 0 or less', () => {
    expect(outputsPaying(ADDRESS, [tx(1, [[ADDRESS, 5n]], 101)], 100)[0].confirmations).toBe(1);
  });

  it('names each output txid:vout', () => {
    expect(outputReference({ txid: txid(7), vout: 2 })).toBe(`${txid(7)}:2`);
  });
});

describe('vanishedOutputs', () => {
  const seen = [
    { txid: txid(1), vout: 0, confirmations: 0 },
    { txid: txid(2), vout: 1, confirmations: 0 },
    { txid: txid(3), vout: 0, confirmations: 2 },
  ];

  it('gives the unconfirmed outputs no longer listed (replaced or evicted): their charges are voided', () => {
    expect(vanishedOutputs(seen, [{ txid: txid(2), vout: 1 }], true)).toEqual([seen[0]]);
  });

  it('keeps an output now confirmed, and never voids a confirmed one that is missing (reorganisation)', () => {
    expect(
      vanishedOutputs(
        seen,
        [
          { txid: txid(1), vout: 0 },
          { txid: txid(2), vout: 1 },
        ],
        true,
      ),
    ).toEqual([]);
  });

  it('concludes nothing from a mempool listing that may be cut (50 unconfirmed transactions)', () => {
    expect(vanishedOutputs(seen, [], false)).toEqual([]);
  });
});
