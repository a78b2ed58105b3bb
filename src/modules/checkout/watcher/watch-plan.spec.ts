import type { ChainOutput } from '../chain/chain-outputs.js';
import { isEmptyPlan, planInvoice } from './watch-plan.js';

const TX = 'a'.repeat(64);
const TX2 = 'b'.repeat(64);
const out = (over: Partial<ChainOutput> = {}): ChainOutput => ({
  txid: TX,
  vout: 0,
  sats: 1000n,
  confirmations: 0,
  rbfSignalled: false,
  blockHeight: null,
  ...over,
});
const plan = (input: Partial<Parameters<typeof planInvoice>[0]>) =>
  planInvoice({
    outputs: [],
    mempoolComplete: true,
    charges: [],
    requiredConfirmations: 1,
    acceptsNew: true,
    ...input,
  });

describe('planInvoice', () => {
  it('plans nothing when the outputs are the charges as they stand', () => {
    const p = plan({
      outputs: [out({ confirmations: 3, blockHeight: 10 })],
      charges: [{ reference: `${TX}:0`, settled: true, confirmations: 1 }],
    });
    expect(isEmptyPlan(p)).toBe(true);
  });

  it('records a new output, settled at once only with the confirmations required', () => {
    expect(plan({ outputs: [out()] }).record).toEqual([{ output: out(), settled: false }]);
    const mined = out({ confirmations: 1, blockHeight: 5 });
    expect(plan({ outputs: [mined] }).record).toEqual([{ output: mined, settled: true }]);
    // 0 confirmations required: settled in the mempool, unless the transaction signals RBF (then 1).
    expect(plan({ outputs: [out()], requiredConfirmations: 0 }).record[0].settled).toBe(true);
    expect(plan({ outputs: [out({ rbfSignalled: true })], requiredConfirmations: 0 }).record[0].settled).toBe(
      false,
    );
  });

  it('records nothing new after the monitoring window, but follows a pending charge to its settlement', () => {
    const mined = out({ confirmations: 1, blockHeight: 5 });
    const p = plan({
      outputs: [mined, out({ txid: TX2 })],
      charges: [{ reference: `${TX}:0`, settled: false, confirmations: 0 }],
      acceptsNew: false,
    });
    expect(p.record).toEqual([]);
    expect(p.update).toEqual([{ output: mined, settle: true }]);
  });

  it('updates a pending charge whose confirmations changed without settling', () => {
    const one = out({ confirmations: 1, blockHeight: 5 });
    const p = plan({
      outputs: [one],
      charges: [{ reference: `${TX}:0`, settled: false, confirmations: 0 }],
      requiredConfirmations: 2,
    });
    expect(p.update).toEqual([{ output: one, settle: false }]);
  });

  it('voids an unconfirmed charge whose transaction left the mempool, not when the listing may be cut', () => {
    const charges = [{ reference: `${TX}:0`, settled: false, confirmations: 0 }];
    expect(plan({ charges }).void).toEqual([`${TX}:0`]);
    expect(plan({ charges, mempoolComplete: false }).void).toEqual([]);
    // A confirmed one that vanishes (a reorganisation) is not voided on one listing.
    expect(plan({ charges: [{ reference: `${TX}:0`, settled: true, confirmations: 2 }] }).void).toEqual([]);
  });

  it('ignores an output of 0 satoshis', () => {
    expect(isEmptyPlan(plan({ outputs: [out({ sats: 0n })] }))).toBe(true);
  });
});
