import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Nonces of the local driver's signed PUT URLs already used: each URL uploads once. */
@Entity({ name: 'signed_url_uses' })
export class SignedUrlUse {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  /** After this the URL's own expiry refuses it anyway, so the row may go. */
  @Index('IDX_signed_url_uses_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
