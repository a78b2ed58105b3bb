import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class RateQueryDto {
  @ApiProperty({
    description: 'The pair as `BASE_QUOTE`: the rate says how many QUOTE one BASE is worth',
    example: 'EUR_BTC',
  })
  @Matches(/^[A-Z]{3}_[A-Z]{3}$/, { message: 'pair must be two currency codes as BASE_QUOTE, e.g. EUR_BTC' })
  pair: string;
}

export class RateDto {
  @ApiProperty({ example: 'EUR_BTC' })
  pair: string;

  @ApiProperty({ example: 'EUR' })
  base: string;

  @ApiProperty({ example: 'BTC' })
  quote: string;

  @ApiProperty({
    description:
      '1 base = rate quote, a decimal string: exact when the division ends, else cut after 18 decimals',
    example: '0.000045692133693556',
  })
  rate: string;

  @ApiProperty({ enum: ['fixed', 'kraken', 'identity'], example: 'kraken' })
  source: string;

  @ApiProperty({
    description: 'When the source gave its figures (ISO 8601, UTC)',
    example: '2026-11-27T10:10:34.791Z',
  })
  fetchedAt: string;
}
