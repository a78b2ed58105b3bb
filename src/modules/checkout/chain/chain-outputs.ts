import type { EsploraTx } from './esplora.types.js';

/** BIP 125: a transaction signals replaceability when any input's nSequence is below 0xfffffffe. */
const RBF_SEQUENCE_LIMIT = 0xfffffffe;

/** One output paying a watched address: one charge of type `bitcoin`, reference `txid:vout`. */
export interface ChainOutput {
  txid: string;
  vout: number;
  sats: bigint;
  /** 0 while unconfirmed; tip − block height + 1 once mined. */
  confirmations: number;
  /**
   * The transaction signals replace-by-fee (BIP 125, on its own inputs; a replaceable unconfirmed parent
   * is not looked at). Since full-RBF relay any unconfirmed transaction can be replaced; this flag is
   * what BTCPay's "0 confirmations, but 1 if RBF" policy reads.
   */
  rbfSignalled: boolean;
  blockHeight: number | null;
}

/** The charge reference of an output. */
export function outputReference(output: Pick<ChainOutput, 'txid' | 'vout'>): string {
  return `${output.txid}:${output.vout}`;
}

/**
 * The outputs of `txs` that pay `address`, with their confirmations at `tipHeight`. A transaction listed
 * twice (mempool and chain, racing a block) counts once, its confirmed listing winning. Bech32 addresses
 * are compared without case (BIP 173); base58 ones exactly. A block above the tip (the tip was read
 * before the transactions) counts as 1 confirmation, never 0 nor negative.
 */
export function outputsPaying(address: string, txs: readonly EsploraTx[], tipHeight: number): ChainOutput[] {
  const wanted = normalizeAddress(address);
  const byTxid = new Map<string, EsploraTx>();
  for (const tx of txs) {
    const known = byTxid.get(tx.txid);
    if (!known || (!known.status.confirmed && tx.status.confirmed)) byTxid.set(tx.txid, tx);
  }
  const outputs: ChainOutput[] = [];
  for (const tx of byTxid.values()) {
    const blockHeight = tx.status.confirmed ? tx.status.blockHeight : null;
    const confirmations = blockHeight === null ? 0 : Math.max(1, tipHeight - blockHeight + 1);
    const rbfSignalled = tx.vin.some((vin) => vin.sequence < RBF_SEQUENCE_LIMIT);
    tx.vout.forEach((vout, index) => {
      if (vout.address === null || normalizeAddress(vout.address) !== wanted) return;
      outputs.push({ txid: tx.txid, vout: index, sats: vout.sats, confirmations, rbfSignalled, blockHeight });
    });
  }
  return outputs;
}

/** An output seen earlier: what the watcher kept of it (its charge's reference and confirmations). */
export interface SeenOutput {
  txid: string;
  vout: number;
  confirmations: number;
}

/**
 * Of the outputs seen earlier while unconfirmed, those no longer listed: their transaction left the
 * mempool without being mined (replaced by fee, or evicted), and their charges are voided. Nothing is
 * concluded when the listing may be cut (`mempoolComplete` false: Esplora lists at most 50 unconfirmed
 * transactions per address). An output seen confirmed that disappears (a reorganisation) is not voided
 * here: its transaction usually comes back in the next block, and a confirmed payment is not undone on
 * one listing.
 */
export function vanishedOutputs(
  seen: readonly SeenOutput[],
  current: readonly Pick<ChainOutput, 'txid' | 'vout'>[],
  mempoolComplete: boolean,
): SeenOutput[] {
  if (!mempoolComplete) return [];
  const listed = new Set(current.map(outputReference));
  return seen.filter((output) => output.confirmations === 0 && !listed.has(outputReference(output)));
}

function normalizeAddress(address: string): string {
  return /^(bc|tb|bcrt)1/i.test(address) ? address.toLowerCase() : address;
}
