import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A POST's `Idempotency-Key` and the first response it produced, replayed for 24 h. While its request
 * runs, the key is leased to it (lease_token, renewed until lease_expires_at); a request that died
 * stops renewing, and a retry may take the key over once the lease has run out.
 */
@Entity({ name: 'idempotency_keys' })
@Index('UQ_idempotency_keys_owner_key', ['owner', 'key'], { unique: true })
@Index('IDX_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Organization id, or `platform` for platform-admin calls. */
  @Column({ type: 'varchar', length: 64 })
  owner: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  /** Null while the first request is still being handled. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody: object | null;

  /** The running request's claim; null once the response is stored. */
  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken: string | null;

  /** Until when the running request holds the key (null: stored, or a row from before leases). */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
