import { Module, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LightningPaymentsModule } from '../lightning-payments/lightning-payments.module.js';
import { PaymentRequestDetails } from '../payment-requests/payment-request-details.js';
import { PaymentRequestsModule } from '../payment-requests/payment-requests.module.js';
import { RatesModule } from '../rates/rates.module.js';
import { WebhookDeliveriesService } from '../webhooks/webhook-deliveries.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { EsploraClients } from './chain/esplora-client.js';
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
import { CHECKOUT_INVOICE_UPDATED } from './checkout.events.js';
import { ChainWatchState } from './watcher/chain-watch-state.entity.js';
import { ChainWatcherService } from './watcher/chain-watcher.service.js';
import { CheckoutCallbacksController } from './watcher/checkout-callbacks.controller.js';
import { checkoutSections } from './watcher/checkout-details.js';
import { CheckoutPaymentsService, STORE_CALLBACK } from './watcher/checkout-payments.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([CheckoutStore, CheckoutInvoice, ChainWatchState]),
    WebhooksModule,
    PaymentRequestsModule,
    RatesModule,
    LightningPaymentsModule,
  ],
  controllers: [
    CheckoutStoresController,
    CheckoutInvoicesController,
    CheckoutCallbacksController,
    CheckoutPageController,
  ],
  providers: [
    CheckoutStoresService,
    CheckoutStoresRepository,
    CheckoutInvoicesService,
    CheckoutInvoicesRepository,
    CheckoutPageService,
    EsploraClients,
    CheckoutPaymentsService,
    ChainWatcherService,
  ],
})
export class CheckoutModule implements OnModuleInit {
  constructor(
    private readonly details: PaymentRequestDetails,
    private readonly deliveries: WebhookDeliveriesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    // The canonical payment request of an invoice shows its checkout figures.
    this.details.register('checkout', (organizationId, ids) =>
      checkoutSections(this.dataSource, organizationId, ids),
    );
    // A store's callback endpoint gets its own invoices' updates only.
    this.deliveries.routeToManaged(CHECKOUT_INVOICE_UPDATED, {
      managedBy: STORE_CALLBACK,
      ownerOf: (event) => (event.type === CHECKOUT_INVOICE_UPDATED ? event.payload.store_id : null),
    });
  }
}
