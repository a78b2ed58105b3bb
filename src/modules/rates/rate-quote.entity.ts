import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last rate a network source (Kraken) gave for one of its markets, shared by every replica: a quote
 * younger than RATE_CACHE_SECONDS is used without asking the source again, an older one never is.
 * Rates derived from it (inverse, cross) are computed on reading, so one Kraken call serves them all.
 */
@Entity({ name: 'rate_quotes' })
export class RateQuoteRow {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  source: string;

  /** The market as `BASE_QUOTE`: 1 BASE = rate QUOTE. */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  pair: string;

  /** Exact, as the source wrote it. */
  @Column({ type: 'numeric' })
  rate: string;

  /** The database's clock when the answer was stored: every replica measures age on the same clock. */
  @Column({ name: 'fetched_at', type: 'timestamptz', precision: 3 })
  fetchedAt: Date;
}
