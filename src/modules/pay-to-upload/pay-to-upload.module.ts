import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UploadsModule } from '../uploads/uploads.module.js';
import { PayToUploadInvoice } from './pay-to-upload-invoice.entity.js';
import { PayToUploadController } from './pay-to-upload.controller.js';
import { PayToUploadFilter } from './pay-to-upload.filter.js';
import { PayToUploadService } from './pay-to-upload.service.js';

/** Seed 000: pay a Lightning invoice, upload one file (README "Pay-to-upload"). */
@Module({
  imports: [TypeOrmModule.forFeature([PayToUploadInvoice]), UploadsModule],
  controllers: [PayToUploadController],
  providers: [PayToUploadService, PayToUploadFilter],
})
export class PayToUploadModule {}
