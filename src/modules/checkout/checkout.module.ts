import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CheckoutInvoice } from './checkout-invoice.entity.js';
import { CheckoutStore } from './checkout-store.entity.js';
import { CheckoutStoresController } from './checkout-stores.controller.js';
import { CheckoutStoresRepository } from './checkout-stores.repository.js';
import { CheckoutStoresService } from './checkout-stores.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CheckoutStore, CheckoutInvoice]), WebhooksModule],
  controllers: [CheckoutStoresController],
  providers: [CheckoutStoresService, CheckoutStoresRepository],
})
export class CheckoutModule {}
