import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The single-use rule of the local driver's signed PUT URLs, kept in the database for every replica. */
@Injectable()
export class SignedUrlUses {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True the first time `nonce` is presented; false ever after. */
  async claim(nonce: string, expiresUnix: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO signed_url_uses (nonce, expires_at) VALUES ($1, to_timestamp($2))
       ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
      [nonce, expiresUnix],
    );
    return rows.length === 1;
  }

  /** Gives the URL back when its upload failed, so that the client may retry with it. */
  async release(nonce: string): Promise<void> {
    await this.dataSource.query('DELETE FROM signed_url_uses WHERE nonce = $1', [nonce]);
  }

  /** Nonces of expired URLs: the expiry alone refuses those now. */
  async purgeExpired(): Promise<{ forgotten: number }> {
    const [, forgotten] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM signed_url_uses WHERE expires_at < now()',
    );
    return { forgotten };
  }
}
