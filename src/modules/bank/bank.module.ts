import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BankAccount } from './bank-account.entity.js';
import { BankAccountsController } from './bank-accounts.controller.js';
import { BankAccountsRepository } from './bank-accounts.repository.js';
import { BankAccountsService } from './bank-accounts.service.js';
import { BankOperation } from './bank-operation.entity.js';
import { BankOperationsController } from './bank-operations.controller.js';
import { BankOperationsRepository } from './bank-operations.repository.js';
import { BankOperationsService } from './bank-operations.service.js';
import { StatementImportService } from './statement-import.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([BankAccount, BankOperation])],
  controllers: [BankAccountsController, BankOperationsController],
  providers: [
    BankAccountsService,
    BankAccountsRepository,
    BankOperationsService,
    BankOperationsRepository,
    StatementImportService,
  ],
  exports: [BankOperationsService],
})
export class BankModule {}
