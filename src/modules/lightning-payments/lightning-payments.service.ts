import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BTC } from '../../common/money/currency.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { compareAmounts, isPositive, msatToBtc, subtractMoney } from '../../common/money/money.js';
import type { CursorPosition } from '../../common/pagination/cursor.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { DomainEvents } from '../../events/domain-events.js';
import {
  LightningBackend,
  MAX_DESCRIPTION_BYTES,
  type LightningInvoiceStatus,
} from '../lightning/lightning-backend.js';
import { presentPaymentRequest } from '../payment-requests/payment-request.presenter.js';
import { PAYMENT_REQUEST_EVENTS as EVENTS } from '../payment-requests/payment-requests.events.js';
import { PaymentRequestsService } from '../payment-requests/payment-requests.service.js';
import { RatesService } from '../rates/rates.service.js';
import { creditedAmount, invoiceMsat, truncateUtf8 } from './lightning-amounts.js';
import { LightningPayment, type LightningPaymentState } from './lightning-payment.entity.js';
import { nothingDue, paymentRequestNotPayable } from './lightning-payments.errors.js';

/** An open invoice is handed out again while it has at least this long to live (a payer needs time). */
const REUSE_MIN_SECONDS = 120;
/** Advisory lock class of issuance: one at a time per payment request (pg_advisory_xact_lock(int, int)). */
const ISSUE_LOCK_CLASS = 0x4c4e4956; // "LNIV"

export interface Issued {
  payment: LightningPayment;
  /** False: an open invoice for the same amount due was handed out again. */
  created: boolean;
}

/**
 * Lightning for every payment request (issue 12 §3): a BOLT #11 invoice for what is still due, priced
 * with the rate sources and holding that rate for its expiry; once the backend says it was paid (the
 * watcher, lightning-watcher.service.ts), one `lightning` charge through the payment-requests module,
 * reference the payment hash, in the transaction that marks it settled — so the status, seed 004's view
 * and the webhooks follow as for any charge.
 */
@Injectable()
export class LightningPaymentsService implements OnModuleInit {
  constructor(
    private readonly requests: PaymentRequestsService,
    private readonly rates: RatesService,
    private readonly backend: LightningBackend,
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.backend.name === 'none') return; // no invoice can have been issued
    // Whatever changes what a request is due: its open invoices for another amount are cancelled.
    this.events.subscribe({
      name: 'lightning-payments.reconcile',
      types: [
        EVENTS.updated,
        EVENTS.paid,
        EVENTS.cancelled,
        EVENTS.chargeCreated,
        EVENTS.chargeSettled,
        EVENTS.chargeDeleted,
        EVENTS.chargeVoided,
      ],
      handle: (event) =>
        this.reconcile(
          event.organizationId,
          'paymentRequestId' in event.payload ? event.payload.paymentRequestId : event.payload.id,
        ),
    });
  }

  /**
   * An invoice for what is due now: the amount due less what is pending (already on its way). An open
   * invoice for that same amount with time left is handed out again rather than a second one a payer
   * could pay too. 404 unknown request, 409 cancelled or nothing due, 503 no rate or backend down.
   *
   * No database connection is held while the rate source and the backend are asked (a slow LND must not
   * drain the pool). Two racing calls may both have an invoice made; the first to write it wins, under an
   * advisory lock per request, and the other hands out the winner's: its own invoice, never shown to
   * anyone, is cancelled.
   */
  async issue(organizationId: string, paymentRequestId: string, now = new Date()): Promise<Issued> {
    const asked = await this.amountDue(organizationId, paymentRequestId);
    const found = await this.reusable(
      this.dataSource.manager,
      organizationId,
      paymentRequestId,
      asked.due,
      now,
    );
    if (found) return { payment: found, created: false };
    // The open invoices not handed out again (another amount, or too little time left) can no longer
    // be paid once this one is out (the payer would pay twice); one paid meanwhile is counted, and what
    // is due read again.
    if (await this.supersede(organizationId, paymentRequestId, asked.due, now)) {
      return this.issue(organizationId, paymentRequestId, now);
    }
    const { due, currency, description } = asked;

    const quote = await this.rates.quote(currency, BTC);
    const amountMsat = invoiceMsat(due, quote.rate);
    const label = description ? `: ${description}` : '';
    const invoice = await this.backend.createInvoice({
      amountMsat,
      description: truncateUtf8(`Payment of ${due} ${currency}${label}`, MAX_DESCRIPTION_BYTES),
      expirySeconds: this.config.lightningPayments.invoiceExpirySeconds,
    });

    const issued = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        ISSUE_LOCK_CLASS,
        paymentRequestId,
      ]);
      const raced = await this.reusable(manager, organizationId, paymentRequestId, due, now);
      if (raced) return { payment: raced, created: false };
      const repository = manager.getRepository(LightningPayment);
      const payment = await repository.save(
        repository.create({
          organizationId,
          paymentRequestId,
          paymentHash: invoice.paymentHash,
          bolt11: invoice.paymentRequest,
          amount: due,
          currency,
          amountMsat: amountMsat.toString(),
          rate: quote.rate,
          rateSource: quote.source,
          rateFetchedAt: quote.fetchedAt,
          state: 'open',
          createdAt: invoice.createdAt,
          expiresAt: invoice.expiresAt,
          settledAt: null,
          amountPaidMsat: null,
          chargeId: null,
          closedAt: null,
        }),
      );
      return { payment, created: true };
    });
    // Lost the race: ours was never shown to anyone; cancelled so that it is not even payable.
    if (!issued.created) await this.backend.cancelInvoice(invoice.paymentHash).catch(() => undefined);
    return issued;
  }

  private async amountDue(
    organizationId: string,
    paymentRequestId: string,
  ): Promise<{ due: string; currency: string; description: string | null }> {
    const view = presentPaymentRequest(await this.requests.get(organizationId, paymentRequestId));
    if (view.status === 'cancelled') throw paymentRequestNotPayable(view.status);
    const due = subtractMoney(view.amountDue, view.amountPending, view.currency);
    if (!isPositive(due)) throw nothingDue(view.amountDue, view.amountPending, view.currency);
    return { due, currency: view.currency, description: view.description };
  }

  /** The open invoice of the request for `due` with time left to pay it, if any. */
  private reusable(
    manager: EntityManager,
    organizationId: string,
    paymentRequestId: string,
    due: string,
    now: Date,
  ): Promise<LightningPayment | null> {
    return manager
      .getRepository(LightningPayment)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND p.payment_request_id = :paymentRequestId', {
        organizationId,
        paymentRequestId,
      })
      .andWhere(`p.state = 'open' AND p.amount = :due AND p.expires_at > :until`, {
        due,
        until: new Date(now.getTime() + REUSE_MIN_SECONDS * 1000),
      })
      .orderBy('p.expires_at', 'DESC')
      .getOne();
  }

  /**
   * Cancels the request's open invoices that no longer match what is due: all of them once it is
   * cancelled or nothing is due, else those for another amount. Run after each change of the request
   * (LightningPaymentsModule subscribes it to the request's events): a payer can never pay an invoice
   * for what is no longer owed. Costs one indexed query for a request without open invoices.
   */
  async reconcile(organizationId: string, paymentRequestId: string): Promise<void> {
    const open = await this.openOf(organizationId, paymentRequestId);
    if (open.length === 0) return;
    let due: string | null;
    try {
      due = (await this.amountDue(organizationId, paymentRequestId)).due;
    } catch (e) {
      if (!(e instanceof DomainError) || e.kind === 'unavailable') throw e;
      due = null; // cancelled, nothing due, or gone
    }
    await this.cancelAll(open.filter((p) => due === null || compareAmounts(p.amount, due) !== 0));
  }

  /** Cancels the open invoices `issue` would not hand out again; true when one turned out paid. */
  private async supersede(
    organizationId: string,
    paymentRequestId: string,
    due: string,
    now: Date,
  ): Promise<boolean> {
    const open = await this.openOf(organizationId, paymentRequestId);
    const until = now.getTime() + REUSE_MIN_SECONDS * 1000;
    return this.cancelAll(
      open.filter((p) => compareAmounts(p.amount, due) !== 0 || p.expiresAt.getTime() <= until),
    );
  }

  /** Cancels each at the backend, then closes it; one the backend says was paid is settled instead. */
  private async cancelAll(payments: LightningPayment[]): Promise<boolean> {
    let paid = false;
    for (const payment of payments) {
      const status = await this.backend.cancelInvoice(payment.paymentHash);
      if (status?.state === 'settled') {
        await this.settle(payment, status);
        paid = true;
      } else {
        await this.expire(payment, status?.state === 'expired' ? 'expired' : 'cancelled');
      }
    }
    return paid;
  }

  private openOf(organizationId: string, paymentRequestId: string): Promise<LightningPayment[]> {
    return this.dataSource
      .getRepository(LightningPayment)
      .find({ where: { organizationId, paymentRequestId, state: 'open' } });
  }

  /** A request's invoices, newest first (IDX_lightning_payments_request_created). 404 unknown request. */
  async list(
    organizationId: string,
    paymentRequestId: string,
    limit: number,
    after?: CursorPosition,
  ): Promise<{ rows: LightningPayment[]; hasMore: boolean }> {
    await this.requests.get(organizationId, paymentRequestId);
    const query = this.dataSource
      .getRepository(LightningPayment)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND p.payment_request_id = :paymentRequestId', {
        organizationId,
        paymentRequestId,
      })
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit + 1);
    if (after) {
      query.andWhere('(p.created_at, p.id) < (:at, :id)', { at: after.value, id: after.id });
    }
    const rows = await query.getMany();
    return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** The open invoices, soonest expiry first: what the watcher looks up (IDX_lightning_payments_open). */
  open(limit: number): Promise<LightningPayment[]> {
    return this.dataSource.getRepository(LightningPayment).find({
      where: { state: 'open' },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * The backend says it was paid: marks it settled and adds its `lightning` charge in one transaction;
   * false when another watcher did already (nothing written twice).
   */
  async settle(payment: LightningPayment, status: LightningInvoiceStatus): Promise<boolean> {
    const paidMsat = status.amountPaidMsat ?? BigInt(payment.amountMsat);
    const settledAt = status.settledAt ?? new Date();
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.close(manager, payment.id, 'settled', settledAt, paidMsat))) return false;
      const { charge } = await this.requests.recordExternalCharge(
        payment.organizationId,
        payment.paymentRequestId,
        {
          chargeType: 'lightning',
          reference: payment.paymentHash,
          amount: creditedAmount(payment.amount, payment.currency, BigInt(payment.amountMsat), paidMsat),
          settled: true,
          originalAmount: msatToBtc(paidMsat, 'down'),
          originalCurrency: BTC,
        },
        { manager },
      );
      await manager.update(LightningPayment, { id: payment.id }, { chargeId: charge.id });
      return true;
    });
  }

  /** It can no longer be paid (the backend expired or cancelled it, or forgot it past its expiry). */
  async expire(payment: LightningPayment, state: 'expired' | 'cancelled', at = new Date()): Promise<boolean> {
    return this.close(this.dataSource.manager, payment.id, state, at, null);
  }

  private async close(
    manager: EntityManager,
    id: string,
    state: Exclude<LightningPaymentState, 'open'>,
    at: Date,
    paidMsat: bigint | null,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE lightning_payments
          SET state = $2::varchar, closed_at = $3, settled_at = CASE WHEN $2::varchar = 'settled' THEN $3::timestamptz END,
              amount_paid_msat = $4
        WHERE id = $1 AND state = 'open'
        RETURNING id`,
      [id, state, at, paidMsat?.toString() ?? null],
    );
    return affected > 0;
  }
}
