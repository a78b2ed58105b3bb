import { Module } from '@nestjs/common';
import { RateQuotesRepository } from './rate-quotes.repository.js';
import { RatesController } from './rates.controller.js';
import { RatesService } from './rates.service.js';

/** Exchange rates for the modules that price something in another currency (checkout invoices). */
@Module({
  controllers: [RatesController],
  providers: [RatesService, RateQuotesRepository],
  exports: [RatesService],
})
export class RatesModule {}
