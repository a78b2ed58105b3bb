import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../../common/logging/logger.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { JobQueue, type NoPayload } from '../../jobs/job-queue.js';
import { forEachBounded, runExclusively } from '../../jobs/poller.js';
import { LightningBackend, LightningUnavailableError } from '../lightning/lightning-backend.js';
import type { LightningPayment } from './lightning-payment.entity.js';
import { LightningPaymentsService } from './lightning-payments.service.js';

export const LIGHTNING_WATCH_JOB = 'lightning-payments-watch';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    /** One look at the open Lightning invoices; each run queues the next. */
    [LIGHTNING_WATCH_JOB]: NoPayload;
  }
}

/** Lookups at once: LND answers each in milliseconds, and this keeps a slow one from holding the rest. */
export const LOOKUP_CONCURRENCY = 8;
/** The open invoices looked at per run, soonest expiry first (more wait for the next run). */
export const OPEN_PER_RUN = 2000;
/**
 * An invoice the backend still calls open (or does not know) this long past its expiry is closed as
 * expired: a payment in flight at the expiry has settled or failed by then.
 */
export const EXPIRY_GRACE_SECONDS = 10 * 60;
const RUN_LOCK = 0x6c6e77617463686en; // "lnwatchn"

export interface WatchRun {
  skipped?: 'locked' | 'unavailable';
  looked: number;
  settled: number;
  closed: number;
}

/**
 * Every LIGHTNING_POLL_SECONDS, on one replica at a time, looks up each open invoice at the backend and
 * settles or closes what changed. Its cost follows the open invoices, never the history. A backend that
 * cannot be reached ends the run (logged once per outage); the next run tries again.
 */
@Injectable()
export class LightningWatcherService implements OnModuleInit {
  private backendDown = false;

  constructor(
    private readonly jobs: JobQueue,
    private readonly backend: LightningBackend,
    private readonly payments: LightningPaymentsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // No backend, nothing to watch (no invoice can have been issued).
    if (this.backend.name === 'none') return;
    this.jobs.definePoller(LIGHTNING_WATCH_JOB, {
      everySeconds: this.config.lightningPayments.pollSeconds,
      handle: () => this.run(),
    });
  }

  async run(now = new Date()): Promise<WatchRun> {
    const run = await runExclusively(this.dataSource, RUN_LOCK, () => this.lookUp(now));
    return run.ran ? run.result : { skipped: 'locked', looked: 0, settled: 0, closed: 0 };
  }

  private async lookUp(now: Date): Promise<WatchRun> {
    const result: WatchRun = { looked: 0, settled: 0, closed: 0 };
    const open = await this.payments.open(OPEN_PER_RUN);
    let outage: LightningUnavailableError | undefined;
    let firstFailure: string | undefined;
    await forEachBounded(open, LOOKUP_CONCURRENCY, async (payment) => {
      if (outage) return;
      try {
        const outcome = await this.lookUpOne(payment, now);
        result.looked += 1;
        if (outcome === 'settled') result.settled += 1;
        if (outcome === 'closed') result.closed += 1;
      } catch (e) {
        if (e instanceof LightningUnavailableError) {
          outage ??= e;
          return;
        }
        firstFailure ??= e instanceof Error ? e.message : String(e);
      }
    });
    if (outage) {
      // Once per outage and instance, not at every run.
      if (!this.backendDown)
        this.logger.warn(
          { error: outage.message },
          'lightning watcher: backend unavailable, trying each run',
        );
      this.backendDown = true;
      return { ...result, skipped: 'unavailable' };
    }
    if (this.backendDown && result.looked > 0) {
      this.backendDown = false;
      this.logger.info('lightning watcher: backend answers again');
    }
    if (firstFailure !== undefined)
      this.logger.error({ error: firstFailure }, 'lightning watcher: some invoices could not be applied');
    return result;
  }

  private async lookUpOne(payment: LightningPayment, now: Date): Promise<'settled' | 'closed' | 'open'> {
    const status = await this.backend.lookupInvoice(payment.paymentHash);
    if (status?.state === 'settled')
      return (await this.payments.settle(payment, status)) ? 'settled' : 'open';
    const pastGrace = now.getTime() > payment.expiresAt.getTime() + EXPIRY_GRACE_SECONDS * 1000;
    if (status?.state === 'cancelled' || status?.state === 'expired' || pastGrace) {
      const state = status?.state === 'cancelled' ? 'cancelled' : 'expired';
      return (await this.payments.expire(payment, state, now)) ? 'closed' : 'open';
    }
    return 'open';
  }
}
