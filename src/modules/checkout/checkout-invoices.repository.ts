import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { CheckoutInvoice } from './checkout-invoice.entity.js';

/** The chain watcher's figures start at their column defaults (nothing paid). */
export type NewCheckoutInvoice = Omit<
  CheckoutInvoice,
  | 'paymentRequest'
  | 'store'
  | 'createdAt'
  | 'updatedAt'
  | 'paidSats'
  | 'settledSats'
  | 'pendingSats'
  | 'paidLate'
>;

@Injectable()
export class CheckoutInvoicesRepository {
  constructor(@InjectRepository(CheckoutInvoice) private readonly invoices: Repository<CheckoutInvoice>) {}

  async insert(manager: EntityManager, fields: NewCheckoutInvoice): Promise<CheckoutInvoice> {
    const repo = manager.getRepository(CheckoutInvoice);
    await repo.insert(repo.create(fields));
    return repo.findOneByOrFail({ id: fields.id });
  }

  findOneForStore(organizationId: string, storeId: string, id: string): Promise<CheckoutInvoice | null> {
    return this.invoices.findOne({ where: { organizationId, storeId, id } });
  }

  /** Newest first, keyset on (created_at, id). */
  async findPageForStore(
    organizationId: string,
    storeId: string,
    limit: number,
    before?: { createdAt: string; id: string },
  ): Promise<{ rows: CheckoutInvoice[]; hasMore: boolean }> {
    const qb = this.invoices
      .createQueryBuilder('i')
      .where('i.store_id = :storeId AND i.organization_id = :organizationId', { storeId, organizationId });
    if (before) qb.andWhere('(i.created_at, i.id) < (:createdAt, :id)', before);
    const rows = await qb
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const hasMore = rows.length > limit;
    return { rows: hasMore ? rows.slice(0, limit) : rows, hasMore };
  }
}
