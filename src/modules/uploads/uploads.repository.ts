import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository, type EntityManager } from 'typeorm';
import { InvoiceUpload } from './invoice-upload.entity.js';

/**
 * The uploads' table. Methods that take a manager run in the caller's transaction (a row lock held until
 * it ends, or a write that commits with it).
 */
@Injectable()
export class UploadsRepository {
  constructor(@InjectRepository(InvoiceUpload) private readonly uploads: Repository<InvoiceUpload>) {}

  findForOrganization(organizationId: string, id: string): Promise<InvoiceUpload | null> {
    return this.uploads.findOneBy({ id, organizationId });
  }

  findConfirmed(organizationId: string, id: string): Promise<InvoiceUpload | null> {
    return this.uploads.findOneBy({ id, organizationId, status: 'confirmed' });
  }

  lockForUpdate(manager: EntityManager, organizationId: string, id: string): Promise<InvoiceUpload | null> {
    return manager
      .getRepository(InvoiceUpload)
      .findOne({ where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, upload: Partial<InvoiceUpload>): Promise<void> {
    await manager.getRepository(InvoiceUpload).insert(upload);
  }

  save(manager: EntityManager, upload: InvoiceUpload): Promise<InvoiceUpload> {
    return manager.getRepository(InvoiceUpload).save(upload);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(InvoiceUpload).delete({ id });
  }

  async deleteConfirmed(id: string): Promise<void> {
    await this.uploads.delete({ id, status: 'confirmed' });
  }

  /** An attached upload back to confirmed, expiring at `expiresAt`; a paid-for one still never expires. */
  async detach(manager: EntityManager, organizationId: string, id: string, expiresAt: Date): Promise<void> {
    await manager
      .getRepository(InvoiceUpload)
      .createQueryBuilder()
      .update()
      .set({
        status: 'confirmed',
        attachedTo: null,
        attachedAt: null,
        expiresAt: () => 'CASE WHEN "paid_for" THEN NULL ELSE CAST(:expiresAt AS timestamptz) END',
      })
      .where({ id, organizationId, status: 'attached' })
      .setParameter('expiresAt', expiresAt)
      .execute();
  }

  /**
   * Up to `limit` pending or confirmed uploads past their time, locked; rows another transaction holds
   * are skipped, so two replicas never take the same one. A paid-for upload never is, whatever its time.
   */
  lockExpired(manager: EntityManager, limit: number): Promise<InvoiceUpload[]> {
    return manager.getRepository(InvoiceUpload).find({
      where: { status: In(['pending', 'confirmed']), expiresAt: LessThan(new Date()), paidFor: false },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  /** A page of the organization's uploads, oldest first, after `after` (created_at to the millisecond). */
  async findPage(
    organizationId: string,
    page: { limit: number; after?: { createdAt: string; id: string } },
  ): Promise<{ rows: InvoiceUpload[]; hasMore: boolean }> {
    const qb = this.uploads
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId });
    if (page.after) {
      qb.andWhere(`(date_trunc('milliseconds', u.created_at), u.id) > (:createdAt, :id)`, page.after);
    }
    const rows = await qb
      .orderBy(`date_trunc('milliseconds', u.created_at)`, 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: hasMore ? rows.slice(0, page.limit) : rows, hasMore };
  }

  /** Of `keys`, those an upload names, in one query. */
  async keysAmong(keys: string[]): Promise<string[]> {
    const rows: { s3_key: string }[] = await this.uploads.query(
      `SELECT s3_key FROM invoice_uploads WHERE s3_key = ANY($1::varchar[])`,
      [keys],
    );
    return rows.map((r) => r.s3_key);
  }
}
