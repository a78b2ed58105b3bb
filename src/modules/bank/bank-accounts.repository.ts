import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { BankAccount } from './bank-account.entity.js';

@Injectable()
export class BankAccountsRepository {
  constructor(@InjectRepository(BankAccount) private readonly accounts: Repository<BankAccount>) {}

  insert(
    account: Pick<BankAccount, 'organizationId' | 'name' | 'iban' | 'currency'>,
    manager: EntityManager = this.accounts.manager,
  ): Promise<BankAccount> {
    const repo = manager.getRepository(BankAccount);
    return repo.save(repo.create(account));
  }

  findOneForOrganization(organizationId: string, id: string): Promise<BankAccount | null> {
    return this.accounts.findOne({ where: { organizationId, id } });
  }

  /**
   * Locks the account for the transaction: statement imports into one account run one at a time. NO KEY
   * UPDATE, so that a pending line entered meanwhile (whose foreign key only needs KEY SHARE) does not wait.
   */
  lockForImport(manager: EntityManager, organizationId: string, id: string): Promise<BankAccount | null> {
    return manager
      .getRepository(BankAccount)
      .findOne({ where: { organizationId, id }, lock: { mode: 'for_no_key_update' } });
  }

  /** One page, oldest first, by keyset on (created_at, id) (IDX_bank_accounts_org_created_at). */
  async findPageForOrganization(
    organizationId: string,
    page: { limit: number; after?: { createdAt: string; id: string } },
  ): Promise<{ rows: BankAccount[]; hasMore: boolean }> {
    const qb = this.accounts
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId });
    if (page.after) {
      qb.andWhere('(a.created_at, a.id) > (:createdAt, :id)', page.after);
    }
    const rows = await qb
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: hasMore ? rows.slice(0, page.limit) : rows, hasMore };
  }
}
