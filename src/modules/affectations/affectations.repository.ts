import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { Affectation } from './affectation.entity.js';

@Injectable()
export class AffectationsRepository {
  constructor(@InjectRepository(Affectation) private readonly affectations: Repository<Affectation>) {}

  insert(manager: EntityManager, affectation: Omit<Affectation, 'id' | 'createdAt'>): Promise<Affectation> {
    const repo = manager.getRepository(Affectation);
    return repo.save(repo.create(affectation));
  }

  findOneForOrganization(organizationId: string, id: number): Promise<Affectation | null> {
    return this.affectations.findOne({ where: { organizationId, id } });
  }

  lockForUpdate(manager: EntityManager, organizationId: string, id: number): Promise<Affectation | null> {
    return manager
      .getRepository(Affectation)
      .findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async delete(manager: EntityManager, affectation: Affectation): Promise<void> {
    await manager
      .getRepository(Affectation)
      .delete({ id: affectation.id, organizationId: affectation.organizationId });
  }

  async idsForOperation(
    manager: EntityManager,
    organizationId: string,
    bankOperationId: string,
  ): Promise<number[]> {
    const rows = await manager
      .getRepository(Affectation)
      .find({ select: { id: true }, where: { organizationId, bankOperationId } });
    return rows.map((r) => r.id);
  }

  /** One page, newest first, by keyset on id (IDX_affectations_org_id, or _org_operation_id when filtered). */
  async findPageForOrganization(
    organizationId: string,
    filter: { bankOperationId?: string; receiptId?: number },
    page: { limit: number; beforeId?: number },
  ): Promise<{ rows: Affectation[]; hasMore: boolean }> {
    const qb = this.affectations
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId });
    if (filter.bankOperationId) {
      qb.andWhere('a.bank_operation_id = :operationId', { operationId: filter.bankOperationId });
    }
    if (filter.receiptId !== undefined)
      qb.andWhere('a.receipt_id = :receiptId', { receiptId: filter.receiptId });
    if (page.beforeId !== undefined) qb.andWhere('a.id < :beforeId', { beforeId: page.beforeId });
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: hasMore ? rows.slice(0, page.limit) : rows, hasMore };
  }
}
