import type { CheckoutLanguage } from './accept-language.js';

/** What the page says, in each of its languages. Plain text: the template escapes it. */
export interface CheckoutTexts {
  title: (store: string) => string;
  heading: string;
  amount: string;
  sendExactly: string;
  address: string;
  copy: string;
  copied: string;
  copyAmount: string;
  openWallet: string;
  qrLabel: string;
  expiresIn: string;
  waiting: string;
  partial: string;
  processing: string;
  paid: string;
  redirecting: string;
  continueToStore: string;
  expired: string;
  stillWatched: string;
  notWatched: string;
  cancelled: string;
  returnToStore: string;
  notFoundTitle: string;
  notFoundText: string;
  noScript: string;
  /** The choice of how to pay, and Lightning's panel (issue 12 §3). */
  payWith: string;
  onChain: string;
  lightning: string;
  lightningLoading: string;
  lightningInvoice: string;
  lightningAmount: string;
  lightningQrLabel: string;
  lightningUnavailable: string;
  lightningNotPayable: string;
}

const NBSP = '\u00a0';

export const CHECKOUT_TEXTS: Record<CheckoutLanguage, CheckoutTexts> = {
  en: {
    title: (store) => `Pay ${store}`,
    heading: 'Pay with Bitcoin',
    amount: 'Amount',
    sendExactly: 'Send exactly',
    address: 'To this Bitcoin address',
    copy: 'Copy',
    copied: 'Copied',
    copyAmount: 'Copy amount',
    openWallet: 'Open in my wallet',
    qrLabel: 'QR code of the payment: address and amount',
    expiresIn: 'This rate is held for',
    waiting: 'Waiting for your payment…',
    partial: 'Partial payment received. Still due:',
    processing: 'Payment detected, waiting for its confirmation.',
    paid: 'Paid. Thank you!',
    redirecting: 'Taking you back to the store…',
    continueToStore: 'Continue',
    expired: 'This invoice has expired: do not send a payment at this rate.',
    stillWatched: 'If you already paid, your payment will still be detected.',
    notWatched: 'If you already paid, contact the store.',
    cancelled: 'This invoice was cancelled.',
    returnToStore: 'Return to store',
    notFoundTitle: 'Invoice not found',
    notFoundText: 'This payment link is unknown. Check the link the store gave you.',
    noScript: 'Reload the page to see the status of your payment.',
    payWith: 'Pay with',
    onChain: 'Bitcoin (on-chain)',
    lightning: 'Lightning',
    lightningLoading: 'Preparing a Lightning invoice…',
    lightningInvoice: 'Lightning invoice',
    lightningAmount: 'Amount of the Lightning invoice:',
    lightningQrLabel: 'QR code of the Lightning invoice',
    lightningUnavailable: 'Lightning is unavailable right now. Try again in a moment, or pay on-chain.',
    lightningNotPayable: 'This invoice can no longer be paid by Lightning.',
  },
  fr: {
    title: (store) => `Payer ${store}`,
    heading: 'Payer en bitcoins',
    amount: 'Montant',
    sendExactly: 'Envoyez exactement',
    address: 'À cette adresse bitcoin',
    copy: 'Copier',
    copied: 'Copié',
    copyAmount: 'Copier le montant',
    openWallet: 'Ouvrir dans mon portefeuille',
    qrLabel: 'QR code du paiement : adresse et montant',
    expiresIn: 'Ce cours est garanti encore',
    waiting: 'En attente de votre paiement…',
    partial: `Paiement partiel reçu. Reste à payer${NBSP}:`,
    processing: 'Paiement détecté, en attente de sa confirmation.',
    paid: `Payé. Merci${NBSP}!`,
    redirecting: 'Retour vers la boutique…',
    continueToStore: 'Continuer',
    expired: `Cette facture a expiré${NBSP}: n’envoyez pas de paiement à ce cours.`,
    stillWatched: 'Si vous avez déjà payé, votre paiement sera tout de même détecté.',
    notWatched: 'Si vous avez déjà payé, contactez la boutique.',
    cancelled: 'Cette facture a été annulée.',
    returnToStore: 'Retour à la boutique',
    notFoundTitle: 'Facture introuvable',
    notFoundText: 'Ce lien de paiement est inconnu. Vérifiez le lien donné par la boutique.',
    noScript: 'Rechargez la page pour voir où en est votre paiement.',
    payWith: 'Payer avec',
    onChain: 'Bitcoin (on-chain)',
    lightning: 'Lightning',
    lightningLoading: 'Préparation d’une facture Lightning…',
    lightningInvoice: 'Facture Lightning',
    lightningAmount: `Montant de la facture Lightning${NBSP}:`,
    lightningQrLabel: 'QR code de la facture Lightning',
    lightningUnavailable:
      'Lightning est indisponible pour le moment. Réessayez dans un instant, ou payez on-chain.',
    lightningNotPayable: 'Cette facture ne peut plus être payée par Lightning.',
  },
};

const NARROW_NBSP = '\u202f';

/**
 * A decimal string as the language writes it, digits untouched (no float on the way): "1,001.54" in
 * English, "1 001,54" in French (narrow no-break space, decimal comma). Pure.
 */
export function localizeDecimal(amount: string, language: CheckoutLanguage): string {
  const negative = amount.startsWith('-');
  const [whole, fraction] = (negative ? amount.slice(1) : amount).split('.');
  const group = language === 'fr' ? NARROW_NBSP : ',';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const text = fraction === undefined ? grouped : `${grouped}${language === 'fr' ? ',' : '.'}${fraction}`;
  return negative ? `-${text}` : text;
}
