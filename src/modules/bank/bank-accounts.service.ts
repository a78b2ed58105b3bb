import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { readCursor, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import type { BankAccount } from './bank-account.entity.js';
import { BankAccountsRepository } from './bank-accounts.repository.js';
import { bankAccountNotFound, ibanTaken } from './bank.errors.js';

const ACCOUNT_SORT = 'created_at';

@Injectable()
export class BankAccountsService {
  constructor(
    private readonly repository: BankAccountsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async create(
    organizationId: string,
    input: { name: string; iban?: string; currency?: string },
    withinWrite?: WithinWrite<BankAccount>,
  ): Promise<BankAccount> {
    try {
      return await writeWithin(this.dataSource, withinWrite, (manager) =>
        this.repository.insert(
          {
            organizationId,
            name: input.name,
            iban: input.iban ?? null,
            currency: input.currency ?? 'EUR',
          },
          manager,
        ),
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw ibanTaken();
      throw e;
    }
  }

  async get(organizationId: string, id: string): Promise<BankAccount> {
    const account = await this.repository.findOneForOrganization(organizationId, id);
    if (!account) throw bankAccountNotFound();
    return account;
  }

  async list(
    organizationId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: BankAccount[]; nextCursor: string | null }> {
    let after: { createdAt: string; id: string } | undefined;
    if (page.cursor) {
      const position = readCursor(page.cursor, { sort: ACCOUNT_SORT, value: 'iso-ms', id: 'uuid' });
      after = { createdAt: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.repository.findPageForOrganization(organizationId, {
      limit: page.limit,
      after,
    });
    return { rows, nextCursor: nextCreatedAtCursor(ACCOUNT_SORT, rows, hasMore) };
  }
}

export function isUniqueViolation(e: unknown): boolean {
  const driverError = (e as { driverError?: { code?: string } } | null)?.driverError;
  return driverError?.code === '23505';
}
