import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { CheckoutInvoice } from './checkout-invoice.entity.js';
import { CheckoutStore } from './checkout-store.entity.js';

export type StoreFields = Omit<
  CheckoutStore,
  'id' | 'organization' | 'createdAt' | 'updatedAt' | 'nextAddressIndex'
>;

@Injectable()
export class CheckoutStoresRepository {
  constructor(@InjectRepository(CheckoutStore) private readonly stores: Repository<CheckoutStore>) {}

  insert(fields: StoreFields): Promise<CheckoutStore> {
    return this.stores.save(this.stores.create(fields));
  }

  findOneForOrganization(organizationId: string, id: string): Promise<CheckoutStore | null> {
    return this.stores.findOne({ where: { organizationId, id } });
  }

  lockForUpdate(manager: EntityManager, organizationId: string, id: string): Promise<CheckoutStore | null> {
    return manager
      .getRepository(CheckoutStore)
      .findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  save(manager: EntityManager, store: CheckoutStore): Promise<CheckoutStore> {
    return manager.getRepository(CheckoutStore).save(store);
  }

  /**
   * Takes the store's next receiving index in the caller's transaction: the UPDATE locks the row until
   * that transaction ends, so racing requests (on any replica) each get their own index, in turn, and
   * a rolled-back transaction gives its index back. Null when the organization has no such store or the
   * key's non-hardened indexes are all taken.
   */
  async takeNextIndex(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<{ store: CheckoutStore; index: number } | null> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE checkout_stores SET next_address_index = next_address_index + 1
       WHERE id = $1 AND organization_id = $2 AND next_address_index < 2147483647
       RETURNING id`,
      [id, organizationId],
    );
    if (rows.length === 0) return null;
    const store = await manager.getRepository(CheckoutStore).findOneByOrFail({ id, organizationId });
    return { store, index: store.nextAddressIndex - 1 };
  }

  /** Per store: the highest index a payment was seen at (absent: none yet). */
  async lastPaidIndexes(storeIds: string[]): Promise<Map<string, number>> {
    if (storeIds.length === 0) return new Map();
    const rows = await this.stores.manager
      .getRepository(CheckoutInvoice)
      .createQueryBuilder('i')
      .select('i.store_id', 'storeId')
      .addSelect('MAX(i.address_index)', 'lastPaid')
      .where('i.store_id IN (:...storeIds)', { storeIds })
      .andWhere('i.payment_seen_at IS NOT NULL')
      .groupBy('i.store_id')
      .getRawMany<{ storeId: string; lastPaid: number }>();
    return new Map(rows.map((r) => [r.storeId, Number(r.lastPaid)]));
  }

  /** Oldest first, keyset on (created_at, id). */
  async findPageForOrganization(
    organizationId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<{ rows: CheckoutStore[]; hasMore: boolean }> {
    const qb = this.stores
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId });
    if (after) qb.andWhere('(s.created_at, s.id) > (:createdAt, :id)', after);
    const rows = await qb
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const hasMore = rows.length > limit;
    return { rows: hasMore ? rows.slice(0, limit) : rows, hasMore };
  }
}
