import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BankModule } from '../bank/bank.module.js';
import { ReceiptsModule } from '../receipts/receipts.module.js';
import { Affectation } from './affectation.entity.js';
import { AffectationsController } from './affectations.controller.js';
import { AffectationsRepository } from './affectations.repository.js';
import { AffectationsService } from './affectations.service.js';
import { BankOperationJustificationController } from './bank-operation-justification.controller.js';
import { SuggestionsService } from './suggestions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Affectation]), BankModule, ReceiptsModule],
  controllers: [AffectationsController, BankOperationJustificationController],
  providers: [AffectationsService, AffectationsRepository, SuggestionsService],
})
export class AffectationsModule {}
