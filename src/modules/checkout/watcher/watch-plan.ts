import { outputReference, vanishedOutputs, type ChainOutput } from '../chain/chain-outputs.js';
import { isSettledPayment } from '../chain/invoice-evaluation.js';

/** A Bitcoin charge of the invoice that stands (not voided), as the watcher compares it. */
export interface StandingCharge {
  reference: string;
  settled: boolean;
  confirmations: number;
}

export interface WatchPlan {
  /** Outputs never recorded: a new charge each (settled at once when confirmed enough). */
  record: { output: ChainOutput; settled: boolean }[];
  /** Pending charges whose confirmations changed, or which now settle. */
  update: { output: ChainOutput; settle: boolean }[];
  /** References of charges whose transaction left the mempool unconfirmed. */
  void: string[];
}

/**
 * What one poll of an invoice's address changes, from its outputs now and its standing charges:
 * nothing at all for the usual invoice, which is how a cycle over many open invoices opens no
 * transaction but for those that changed. A settled charge is left as it is (its confirmations are not
 * followed further: no event per block). New outputs are recorded only while `acceptsNew` (within the
 * monitoring window); a pending one is followed to its settlement or its void afterwards too.
 */
export function planInvoice(input: {
  outputs: readonly ChainOutput[];
  mempoolComplete: boolean;
  charges: readonly StandingCharge[];
  requiredConfirmations: number;
  acceptsNew: boolean;
}): WatchPlan {
  const byReference = new Map(input.charges.map((c) => [c.reference, c]));
  const plan: WatchPlan = { record: [], update: [], void: [] };
  for (const output of input.outputs) {
    if (output.sats <= 0n) continue; // an output of 0 satoshis pays nothing
    const settled = isSettledPayment(output, input.requiredConfirmations);
    const charge = byReference.get(outputReference(output));
    if (!charge) {
      if (input.acceptsNew) plan.record.push({ output, settled });
    } else if (!charge.settled && (settled || charge.confirmations !== output.confirmations)) {
      plan.update.push({ output, settle: settled });
    }
  }
  const seen = input.charges
    .filter((c) => !c.settled || c.confirmations === 0)
    .map((c) => {
      const [txid, vout] = c.reference.split(':');
      return { txid, vout: Number(vout), confirmations: c.confirmations };
    });
  plan.void = vanishedOutputs(seen, input.outputs, input.mempoolComplete).map(outputReference);
  return plan;
}

export function isEmptyPlan(plan: WatchPlan): boolean {
  return plan.record.length === 0 && plan.update.length === 0 && plan.void.length === 0;
}
