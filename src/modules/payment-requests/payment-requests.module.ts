import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentRequest } from './payment-request.entity.js';
import { PaymentRequestsController } from './payment-requests.controller.js';
import { PaymentRequestsRepository } from './payment-requests.repository.js';
import { PaymentRequestsService } from './payment-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentRequest])],
  controllers: [PaymentRequestsController],
  providers: [PaymentRequestsService, PaymentRequestsRepository],
  exports: [PaymentRequestsService],
})
export class PaymentRequestsModule {}
