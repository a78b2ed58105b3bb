/**
 * Wallets (Electrum, BlueWallet, Green…) stop looking for payments after 20 consecutive unused
 * receiving addresses (the gap limit): payments to the invoices past it are on the chain but not in the
 * merchant's wallet until its gap limit is raised. BTCPay hands out the next address for every invoice
 * and never reuses one; so do we, and say so when the gap passes the limit. Pure.
 */
export const WALLET_GAP_LIMIT = 20;

export interface AddressUsage {
  /** How many receiving addresses were handed out (indexes 0..issued-1). */
  issued: number;
  /** The highest index a payment was seen at, or null. */
  lastPaidIndex: number | null;
}

/** The most recent indexes in a row that no payment was seen at. */
export function consecutiveUnpaid(usage: AddressUsage): number {
  return usage.issued - (usage.lastPaidIndex === null ? 0 : usage.lastPaidIndex + 1);
}

export interface StoreWarning {
  code: 'GAP_LIMIT_EXCEEDED';
  message: string;
}

export function storeWarnings(usage: AddressUsage): StoreWarning[] {
  const unpaid = consecutiveUnpaid(usage);
  if (unpaid <= WALLET_GAP_LIMIT) return [];
  return [
    {
      code: 'GAP_LIMIT_EXCEEDED',
      message:
        `${unpaid} addresses in a row have received no payment: a wallet with the usual gap limit of ` +
        `${WALLET_GAP_LIMIT} will not show payments to the later ones. Raise the gap limit of the wallet ` +
        `that holds this key (e.g. to ${Math.ceil((unpaid + 20) / 10) * 10}) to see them.`,
    },
  ];
}
