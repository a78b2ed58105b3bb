import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPositiveAmount, toAmountString } from '../../../common/money/money.validators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { CHARGE_TYPES, isExternalChargeType, MANUAL_CHARGE_TYPES } from '../charge.entity.js';

// PostgreSQL text cannot hold U+0000.
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;

/** Seed 004's charge. */
export class InvoiceChargeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '10.00', description: "Decimal string at the invoice's currency scale" })
  amount: string;

  @ApiProperty({ type: String, nullable: true })
  reference: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ enum: CHARGE_TYPES })
  chargeType: string;

  @ApiProperty({ format: 'date-time', example: '2017-05-23T17:54:24.837Z' })
  creationTime: string;
}

/** Seed 004's invoice: a payment request seen through seed 004 (same id). */
export class InvoiceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: [10, 20], description: '10 unpaid, 20 paid (the charges cover the total)' })
  status: 10 | 20;

  @ApiProperty({ example: '100.00', description: "Decimal string at the currency's scale" })
  total: string;

  @ApiProperty({ type: [InvoiceChargeDto] })
  charges: InvoiceChargeDto[];

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the charges first covered the total (UTC); null while unpaid',
  })
  paidTime: string | null;

  @ApiProperty({ format: 'date-time' })
  creationTime: string;
}

export class CreateChargeDto {
  @ApiProperty({
    type: String,
    example: 10,
    description:
      "Amount received, > 0, as a JSON number (when exact) or a decimal string, with at most the invoice currency's " +
      'minor units. It may be below or above the total',
  })
  @Transform(toAmountString)
  // No currency in the body: checked here against the widest scale, then against the invoice's currency.
  @IsPositiveAmount({ currencyField: 'currency' })
  amount: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255, example: 'ch_1A2b3C' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(255)
  @Matches(NO_NUL, { message: 'reference must not contain NUL characters' })
  reference?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  @Matches(NO_NUL, { message: 'note must not contain NUL characters' })
  note?: string | null;

  @ApiProperty({
    enum: MANUAL_CHARGE_TYPES,
    example: 'stripe',
    description: 'bitcoin and lightning charges are recorded only by their payment method (422 here)',
  })
  @IsIn(MANUAL_CHARGE_TYPES, {
    message: ({ value }) =>
      isExternalChargeType(value)
        ? `chargeType ${value} is recorded only by its payment method (the chain watcher, the Lightning backend), not by hand`
        : `chargeType must be one of ${MANUAL_CHARGE_TYPES.join(', ')}`,
  })
  chargeType: string;
}

/** Seed 004: "L'objet retourné sera vide en cas de succès." */
export class EmptyDto {}
