import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { RateDto, RateQueryDto } from './dto/rate.dto.js';
import { RatesService } from './rates.service.js';

@ApiTags('Checkout')
@ApiBearerAuth('api-key')
@Controller('api/v1/rates')
export class RatesController {
  constructor(private readonly rates: RatesService) {}

  @Get()
  @RequireScopes('checkout:read')
  @ApiOperation({
    summary: 'The exchange rate an invoice created now would get',
    description:
      'From the sources of RATE_SOURCES, in order, through the shared cache (RATE_CACHE_SECONDS): the ' +
      'same rate a Bitcoin checkout invoice is priced at.',
  })
  @ApiOkResponse({ type: RateDto })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: 'VALIDATION_FAILED: `pair` is not BASE_QUOTE of two currencies (ISO 4217 or BTC)',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'RATE_UNAVAILABLE: no source could price the pair; `details` says what each source said',
  })
  async get(@Query() query: RateQueryDto): Promise<RateDto> {
    const [base, quote] = query.pair.split('_');
    const found = await this.rates.quote(base, quote);
    return {
      pair: query.pair,
      base,
      quote,
      rate: found.rate,
      source: found.source,
      fetchedAt: found.fetchedAt.toISOString(),
    };
  }
}
