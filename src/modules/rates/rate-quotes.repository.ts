import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PairKey } from './rate-math.js';

export interface CachedRate {
  pair: PairKey;
  /** Exact decimal string. */
  rate: string;
  fetchedAt: Date;
}

interface Row {
  pair: string;
  rate: string;
  fetched_at: Date;
}

@Injectable()
export class RateQuotesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The source's quotes for these markets that are younger than `maxAgeSeconds` by the database's clock. */
  async findFresh(source: string, pairs: readonly PairKey[], maxAgeSeconds: number): Promise<CachedRate[]> {
    if (pairs.length === 0 || maxAgeSeconds <= 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT pair, rate::text AS rate, fetched_at FROM rate_quotes
        WHERE source = $1 AND pair = ANY($2) AND fetched_at > clock_timestamp() - make_interval(secs => $3)`,
      [source, pairs, maxAgeSeconds],
    );
    return rows.map((r) => ({ pair: r.pair, rate: r.rate, fetchedAt: r.fetched_at }));
  }

  /**
   * Stores what the source just answered, stamped with the database's clock, and returns it as stored.
   * A newer quote stored meanwhile by another replica is kept.
   */
  async save(source: string, rates: ReadonlyArray<{ pair: PairKey; rate: string }>): Promise<CachedRate[]> {
    if (rates.length === 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO rate_quotes (source, pair, rate, fetched_at)
       SELECT $1, pair, rate::numeric, clock_timestamp() FROM unnest($2::text[], $3::text[]) AS t(pair, rate)
       ON CONFLICT (source, pair) DO UPDATE SET rate = excluded.rate, fetched_at = excluded.fetched_at
         WHERE rate_quotes.fetched_at < excluded.fetched_at
       RETURNING pair, rate::text AS rate, fetched_at`,
      [source, rates.map((r) => r.pair), rates.map((r) => r.rate)],
    );
    // A row another replica refreshed a moment later is not returned: the caller keeps its own answer.
    const stored = new Map(rows.map((r) => [r.pair, r]));
    const now = new Date();
    return rates.map((r) => {
      const row = stored.get(r.pair);
      return { pair: r.pair, rate: r.rate, fetchedAt: row?.fetched_at ?? now };
    });
  }
}
