import { Module } from '@nestjs/common';
import { RateQuotesRepository } from './rate-quotes.repository.js';
import { RatesService } from './rates.service.js';

/** Exchange rates for the modules that price something in another currency (checkout invoices). */
@Module({
  providers: [RatesService, RateQuotesRepository],
  exports: [RatesService],
})
export class RatesModule {}
