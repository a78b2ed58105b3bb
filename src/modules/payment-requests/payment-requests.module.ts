import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoredObjectOwners } from '../../storage/stored-object-owners.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { UPLOADS_AREA } from '../uploads/uploads.service.js';
import { Charge } from './charge.entity.js';
import { ChargesRepository } from './charges.repository.js';
import { InvoicesController } from './invoices.controller.js';
import { PaymentRequest } from './payment-request.entity.js';
import {
  PaymentRequestInvoiceController,
  UploadAttachController,
} from './payment-request-invoice.controller.js';
import { PaymentRequestsController } from './payment-requests.controller.js';
import { PaymentRequestsRepository } from './payment-requests.repository.js';
import { PaymentRequestDetails } from './payment-request-details.js';
import { PaymentRequestsService } from './payment-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentRequest, Charge]), UploadsModule],
  controllers: [
    PaymentRequestsController,
    InvoicesController,
    UploadAttachController,
    PaymentRequestInvoiceController,
  ],
  providers: [PaymentRequestsService, PaymentRequestsRepository, ChargesRepository, PaymentRequestDetails],
  exports: [PaymentRequestsService, PaymentRequestDetails],
})
export class PaymentRequestsModule implements OnModuleInit {
  constructor(
    private readonly owners: StoredObjectOwners,
    private readonly repository: PaymentRequestsRepository,
  ) {}

  /**
   * An invoice document is the file of the upload it was attached from, under the uploads' area: the
   * orphan collection keeps it while a request names it, whatever becomes of the upload's row.
   */
  onModuleInit(): void {
    this.owners.register({
      prefix: `${UPLOADS_AREA}/`,
      referenced: (keys) => this.repository.invoiceKeysAmong(keys),
    });
  }
}
