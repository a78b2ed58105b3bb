import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentRequestsModule } from '../payment-requests/payment-requests.module.js';
import { RatesModule } from '../rates/rates.module.js';
import { LightningPayment } from './lightning-payment.entity.js';
import { LightningPaymentsController } from './lightning-payments.controller.js';
import { LightningPaymentsService } from './lightning-payments.service.js';
import { LightningWatcherService } from './lightning-watcher.service.js';

/**
 * Lightning for every payment request (issue 12 §3): invoices for what is due, and the watcher that turns
 * their payment into a `lightning` charge. The backend is LightningModule's (global) port.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LightningPayment]), PaymentRequestsModule, RatesModule],
  controllers: [LightningPaymentsController],
  providers: [LightningPaymentsService, LightningWatcherService],
  exports: [LightningPaymentsService],
})
export class LightningPaymentsModule {}
