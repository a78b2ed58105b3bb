import type { ChargeDto, PaymentRequestDto } from './dto/payment-request.dto.js';

/**
 * The events payment requests record, each in the transaction of its change (src/events). The payload
 * is the canonical resource after the change: the payment request, or the charge.
 */
export const PAYMENT_REQUEST_EVENTS = {
  created: 'payment_request.created',
  updated: 'payment_request.updated',
  paid: 'payment_request.paid',
  unpaid: 'payment_request.unpaid',
  cancelled: 'payment_request.cancelled',
  chargeCreated: 'charge.created',
  chargeDeleted: 'charge.deleted',
  chargeUpdated: 'charge.updated',
  chargeSettled: 'charge.settled',
  chargeVoided: 'charge.voided',
} as const;

declare module '../../events/domain-events.js' {
  interface EventPayloads {
    'payment_request.created': PaymentRequestDto;
    /** Terms changed, or the status changed without becoming or ceasing to be covered. */
    'payment_request.updated': PaymentRequestDto;
    /** Its charges came to cover the total (seed 004's 20). */
    'payment_request.paid': PaymentRequestDto;
    /** Its charges no longer cover the total (a charge was deleted or voided): back to seed 004's 10. */
    'payment_request.unpaid': PaymentRequestDto;
    'payment_request.cancelled': PaymentRequestDto;
    'charge.created': ChargeDto;
    /** The charge as it was. */
    'charge.deleted': ChargeDto;
    /** A payment method's charge changed without settling: its confirmations. */
    'charge.updated': ChargeDto;
    /** A pending charge settled: it now counts in amountPaid. */
    'charge.settled': ChargeDto;
    /** A charge was voided (its transaction was replaced): it counts for nothing, and stays as a record. */
    'charge.voided': ChargeDto;
  }
}
