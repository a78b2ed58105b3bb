import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiptFilesController } from './receipt-files.controller.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { Receipt } from './receipt.entity.js';
import { ReceiptPresenter } from './receipt.presenter.js';
import { ReceiptsController } from './receipts.controller.js';
import { ReceiptsRepository } from './receipts.repository.js';
import { ReceiptsService } from './receipts.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Receipt]), UploadsModule],
  controllers: [ReceiptsController, ReceiptFilesController],
  providers: [ReceiptsService, ReceiptsRepository, ReceiptPresenter],
  exports: [ReceiptsService],
})
export class ReceiptsModule {}
