import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentRequestsModule } from '../payment-requests/payment-requests.module.js';
import { RatesModule } from '../rates/rates.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CheckoutInvoice } from './checkout-invoice.entity.js';
import { CheckoutInvoicesController } from './checkout-invoices.controller.js';
import { CheckoutInvoicesRepository } from './checkout-invoices.repository.js';
import { CheckoutInvoicesService } from './checkout-invoices.service.js';
import { CheckoutStore } from './checkout-store.entity.js';
import { CheckoutStoresController } from './checkout-stores.controller.js';
import { CheckoutStoresRepository } from './checkout-stores.repository.js';
import { CheckoutStoresService } from './checkout-stores.service.js';
import { CheckoutPageController } from './page/checkout-page.controller.js';
import { CheckoutPageService } from './page/checkout-page.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([CheckoutStore, CheckoutInvoice]),
    WebhooksModule,
    PaymentRequestsModule,
    RatesModule,
  ],
  controllers: [CheckoutStoresController, CheckoutInvoicesController, CheckoutPageController],
  providers: [
    CheckoutStoresService,
    CheckoutStoresRepository,
    CheckoutInvoicesService,
    CheckoutInvoicesRepository,
    CheckoutPageService,
  ],
})
export class CheckoutModule {}
