import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The chain watcher's state per network, shared by every replica: when Esplora answered 429 or could not
 * be reached, the network is not polled again before `retryAt` (Retry-After, or a growing backoff).
 */
@Entity({ name: 'checkout_chain_watch' })
export class ChainWatchState {
  /** mainnet or testnet. */
  @PrimaryColumn({ type: 'varchar', length: 8 })
  network: string;

  /** Consecutive failed cycles; 0 when the last one went through. */
  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'retry_at', type: 'timestamptz', precision: 3, nullable: true })
  retryAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** When a cycle last went through the whole network. */
  @Column({ name: 'last_cycle_at', type: 'timestamptz', precision: 3, nullable: true })
  lastCycleAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
