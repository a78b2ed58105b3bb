import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../../../common/logging/logger.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.module.js';
import { JobQueue, type NoPayload } from '../../../jobs/job-queue.js';
import { forEachBounded, runExclusively } from '../../../jobs/poller.js';
import { outputsPaying } from '../chain/chain-outputs.js';
import {
  EsploraClients,
  EsploraRateLimitedError,
  EsploraUnavailableError,
  type ChainNetwork,
  type EsploraClient,
} from '../chain/esplora-client.js';
import { CheckoutPaymentsService } from './checkout-payments.service.js';
import { isEmptyPlan, planInvoice, type StandingCharge } from './watch-plan.js';

export const CHAIN_WATCH_JOB = 'checkout.chain-watch';

declare module '../../../jobs/job-queue.js' {
  interface JobPayloads {
    /** One cycle of the chain watcher; each queues the next, and a per-minute cron re-seeds a lost chain. */
    [CHAIN_WATCH_JOB]: NoPayload;
  }
}

const NETWORKS: readonly ChainNetwork[] = ['mainnet', 'testnet'];
/** pg_try_advisory_lock key of the cycle: one at a time across replicas ("chainwat" in ASCII). */
const CYCLE_LOCK = 0x636861696e776174n;
/** Addresses polled at once, per network. */
export const POLL_CONCURRENCY = 8;
/** The longest a failing Esplora is left alone, whatever its Retry-After says. */
const MAX_BACKOFF_SECONDS = 600;

interface WatchedInvoice {
  id: string;
  organization_id: string;
  btc_address: string;
  required_confirmations: number;
  monitoring_until: Date;
}

export interface NetworkCycle {
  network: ChainNetwork;
  /** Why nothing was polled, when nothing was. */
  skipped?: 'no-url' | 'backoff';
  watched: number;
  polled: number;
  changed: number;
  /** Addresses whose answer was unusable (malformed, refused): tried again next cycle. */
  failedAddresses: number;
  /** Esplora answered 429 or could not be reached: the network backs off. */
  backoffSeconds?: number;
}

export interface CycleResult {
  /** Another replica's cycle held the lock. */
  skipped?: 'locked';
  networks: NetworkCycle[];
  ms: number;
}

/**
 * The chain watcher (issue 11 §4). Every CHAIN_POLL_SECONDS one cycle, on one replica at a time (an
 * advisory lock; a replica finding it taken skips), polls Esplora for the address of every
 * invoice within its monitoring window or with payments still short of their confirmations, and hands
 * each invoice whose outputs differ from its charges to CheckoutPaymentsService. The job queues its next
 * run itself (pg-boss policy `short`: one waits at most), and a per-minute cron re-seeds it if the chain
 * was ever lost (a crash between a run and its successor). A 429 (Retry-After honoured) or an
 * unreachable Esplora stops the network's cycle, logs once, and backs off (shared by every replica in
 * `checkout_chain_watch`); the job itself never fails.
 */
@Injectable()
export class ChainWatcherService implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly clients: EsploraClients,
    private readonly payments: CheckoutPaymentsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A cycle never throws (its failures back off); a crash mid-cycle is re-run by the cron.
    this.jobs.definePoller(CHAIN_WATCH_JOB, {
      everySeconds: this.config.chain.pollSeconds,
      handle: () => this.cycle(),
    });
  }

  /** One cycle over every network, unless another replica's runs (then `skipped: 'locked'`). */
  async cycle(now = new Date()): Promise<CycleResult> {
    const started = Date.now();
    const run = await runExclusively(this.dataSource, CYCLE_LOCK, async () => {
      const networks: NetworkCycle[] = [];
      for (const network of NETWORKS) networks.push(await this.watchNetwork(network, now));
      return networks;
    });
    if (!run.ran) return { skipped: 'locked', networks: [], ms: Date.now() - started };
    return { networks: run.result, ms: Date.now() - started };
  }

  private async watchNetwork(network: ChainNetwork, now: Date): Promise<NetworkCycle> {
    const result: NetworkCycle = { network, watched: 0, polled: 0, changed: 0, failedAddresses: 0 };
    const client = this.clients.for(network);
    if (!client) return { ...result, skipped: 'no-url' };
    const [state] = await this.dataSource.query<{ failures: number; retry_at: Date | null }[]>(
      'SELECT failures, retry_at FROM checkout_chain_watch WHERE network = $1',
      [network],
    );
    if (state?.retry_at && state.retry_at.getTime() > now.getTime()) return { ...result, skipped: 'backoff' };

    const invoices = await this.watched(network, now);
    result.watched = invoices.length;
    if (invoices.length === 0) {
      await this.recovered(network, state?.failures ?? 0);
      return result;
    }
    const charges = await this.standingCharges(invoices.map((i) => i.id));
    let outage: EsploraRateLimitedError | EsploraUnavailableError | undefined;
    let firstFailure: string | undefined;
    try {
      const tip = await client.tipHeight();
      await forEachBounded(invoices, POLL_CONCURRENCY, async (invoice) => {
        if (outage) return; // the server is down or limiting us: stop asking it this cycle
        try {
          const changed = await this.pollInvoice(client, invoice, tip, charges.get(invoice.id) ?? [], now);
          result.polled += 1;
          if (changed) result.changed += 1;
        } catch (e) {
          if (e instanceof EsploraRateLimitedError || e instanceof EsploraUnavailableError) {
            outage ??= e;
            return;
          }
          result.failedAddresses += 1;
          firstFailure ??= e instanceof Error ? e.message : JSON.stringify(e);
        }
      });
    } catch (e) {
      if (!(e instanceof EsploraRateLimitedError || e instanceof EsploraUnavailableError)) throw e;
      outage = e;
    }
    if (firstFailure !== undefined) {
      this.logger.warn(
        { network, failedAddresses: result.failedAddresses, error: firstFailure },
        'chain watcher: some addresses could not be read this cycle',
      );
    }
    if (outage) {
      result.backoffSeconds = await this.backOff(network, state?.failures ?? 0, outage);
      return result;
    }
    await this.recovered(network, state?.failures ?? 0);
    return result;
  }

  /** Polls one address; applies what changed. True when something was written. */
  private async pollInvoice(
    client: EsploraClient,
    invoice: WatchedInvoice,
    tip: number,
    charges: StandingCharge[],
    now: Date,
  ): Promise<boolean> {
    const history = await client.addressTxs(invoice.btc_address);
    const outputs = outputsPaying(invoice.btc_address, history.txs, tip);
    const seen = { outputs, mempoolComplete: history.mempoolComplete };
    const plan = planInvoice({
      ...seen,
      charges,
      requiredConfirmations: invoice.required_confirmations,
      acceptsNew: now.getTime() < invoice.monitoring_until.getTime(),
    });
    if (isEmptyPlan(plan)) return false;
    return this.payments.apply(invoice.organization_id, invoice.id, seen);
  }

  /**
   * Invoices within their monitoring window, and those with payments short of their confirmations
   * (IDX_checkout_invoices_watch_window, IDX_checkout_invoices_watch_pending): the open ones, never
   * the history.
   */
  private watched(network: ChainNetwork, now: Date): Promise<WatchedInvoice[]> {
    return this.dataSource.query<WatchedInvoice[]>(
      `SELECT id, organization_id, btc_address, required_confirmations, monitoring_until
         FROM checkout_invoices
        WHERE network = $1 AND monitoring_until > $2
       UNION
       SELECT id, organization_id, btc_address, required_confirmations, monitoring_until
         FROM checkout_invoices
        WHERE network = $1 AND pending_sats > 0`,
      [network, now],
    );
  }

  /** The standing Bitcoin charges of these invoices, in one query. */
  private async standingCharges(ids: string[]): Promise<Map<string, StandingCharge[]>> {
    const rows = await this.dataSource.query<
      { payment_request_id: string; reference: string; settled: boolean; confirmations: number | null }[]
    >(
      `SELECT payment_request_id, reference, settled_at IS NOT NULL AS settled, confirmations
         FROM charges
        WHERE payment_request_id = ANY($1::uuid[]) AND charge_type = 'bitcoin' AND voided_at IS NULL`,
      [ids],
    );
    const byInvoice = new Map<string, StandingCharge[]>();
    for (const row of rows) {
      const list = byInvoice.get(row.payment_request_id) ?? [];
      list.push({ reference: row.reference, settled: row.settled, confirmations: row.confirmations ?? 0 });
      byInvoice.set(row.payment_request_id, list);
    }
    return byInvoice;
  }

  /** Leaves the network alone for a while (Retry-After, else a doubling backoff); logs once per cycle. */
  private async backOff(
    network: ChainNetwork,
    failuresBefore: number,
    error: EsploraRateLimitedError | EsploraUnavailableError,
  ): Promise<number> {
    const failures = failuresBefore + 1;
    const backoff = Math.min(
      MAX_BACKOFF_SECONDS,
      this.config.chain.pollSeconds * 2 ** Math.min(failures - 1, 10),
    );
    const retryAfter = error instanceof EsploraRateLimitedError ? (error.retryAfterSeconds ?? 0) : 0;
    const seconds = Math.min(MAX_BACKOFF_SECONDS, Math.max(backoff, retryAfter));
    await this.dataSource.query(
      `INSERT INTO checkout_chain_watch (network, failures, retry_at, last_error)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4)
       ON CONFLICT (network) DO UPDATE
         SET failures = $2, retry_at = EXCLUDED.retry_at, last_error = $4, updated_at = now()`,
      [network, failures, seconds, error.message],
    );
    this.logger.warn(
      { network, failures, retryInSeconds: seconds, error: error.message },
      error instanceof EsploraRateLimitedError
        ? 'chain watcher: Esplora rate-limited, backing off'
        : 'chain watcher: Esplora unavailable, backing off',
    );
    return seconds;
  }

  private async recovered(network: ChainNetwork, failuresBefore: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO checkout_chain_watch (network, failures, retry_at, last_error, last_cycle_at)
       VALUES ($1, 0, NULL, NULL, now())
       ON CONFLICT (network) DO UPDATE
         SET failures = 0, retry_at = NULL, last_error = NULL, last_cycle_at = now(), updated_at = now()`,
      [network],
    );
    if (failuresBefore > 0)
      this.logger.info({ network, failuresBefore }, 'chain watcher: Esplora answers again');
  }
}
