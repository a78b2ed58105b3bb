import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiptFilesController } from './receipt-files.controller.js';
import { StoredObjectOwners } from '../../storage/stored-object-owners.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { RECEIPT_KEY_AREA } from './receipt-file.js';
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
export class ReceiptsModule implements OnModuleInit {
  constructor(
    private readonly owners: StoredObjectOwners,
    private readonly repository: ReceiptsRepository,
  ) {}

  /** Receipt files with no receipt (a request that died before its row, a removal that failed) are collected. */
  onModuleInit(): void {
    this.owners.register({
      prefix: `${RECEIPT_KEY_AREA}/`,
      referenced: (keys) => this.repository.keysAmong(keys),
    });
  }
}
