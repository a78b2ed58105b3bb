import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsCurrencyCode, IsPositiveAmount, toAmountString } from '../../../common/money/money.validators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { CHARGE_TYPES } from '../charge.entity.js';
import { PAYMENT_REQUEST_ORIGINS } from '../payment-request.entity.js';
import { PAYMENT_REQUEST_STATUSES } from '../payment-request-status.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// PostgreSQL text cannot hold U+0000.
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;
const upperCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

export class CreatePaymentRequestDto {
  @ApiProperty({
    type: String,
    example: '1200.50',
    description:
      "Decimal > 0 as a string (a JSON number is accepted when exact), with at most the currency's minor units: " +
      'none for JPY, 2 for EUR, 3 for KWD, 8 for BTC. Zeros past them are harmless; other digits are refused, never rounded',
  })
  @Transform(toAmountString)
  @IsPositiveAmount({ currencyField: 'currency' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'An active ISO 4217 code (list one), or BTC' })
  @Transform(upperCase)
  @IsCurrencyCode()
  currency: string;

  @ApiPropertyOptional({ example: 'Facture F-2021-042', maxLength: 500, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  @Matches(NO_NUL, { message: 'description must not contain NUL characters' })
  description?: string | null;

  @ApiPropertyOptional({ example: 'client@example.fr', nullable: true })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string | null;

  @ApiPropertyOptional({ example: '2021-07-31', format: 'date', nullable: true })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'dueDate must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be a real calendar date' })
  dueDate?: string | null;
}

/** Every field optional; `null` clears description, customerEmail and dueDate. */
export class UpdatePaymentRequestDto {
  @ApiPropertyOptional({ type: String, example: '1300.00' })
  @ValidateIf((_, v) => v !== undefined)
  @Transform(toAmountString)
  @IsPositiveAmount({ currencyField: 'currency' })
  amount?: string;

  @ApiPropertyOptional({ example: 'EUR' })
  @ValidateIf((_, v) => v !== undefined)
  @Transform(upperCase)
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsString()
  @MaxLength(500)
  @Matches(NO_NUL, { message: 'description must not contain NUL characters' })
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Matches(DATE_ONLY, { message: 'dueDate must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be a real calendar date' })
  dueDate?: string | null;
}

export class ListPaymentRequestsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_REQUEST_STATUSES)
  status?: (typeof PAYMENT_REQUEST_STATUSES)[number];

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @Transform(upperCase)
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: 'client@example.fr' })
  @IsOptional()
  @IsEmail()
  customerEmail?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'dueDateFrom must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  dueDateFrom?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'dueDateTo must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  dueDateTo?: string;
}

export class PaymentRequestInvoiceDto {
  @ApiProperty({ format: 'uuid' })
  uploadId: string;

  @ApiProperty({ example: 'facture-042.pdf' })
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  mimeType: string;

  @ApiProperty({ example: 48213 })
  size: number;

  @ApiProperty({ format: 'date-time' })
  attachedAt: string;
}

/** A charge in the canonical resource's shape (camelCase, the request's currency). */
export class ChargeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  paymentRequestId: string;

  @ApiProperty({ example: '100.00', description: "At the currency's scale" })
  amount: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ type: String, nullable: true, example: 'pi_3N…' })
  reference: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ enum: CHARGE_TYPES })
  chargeType: string;

  @ApiProperty({ format: 'date-time', description: 'When it was recorded (seen)' })
  createdAt: string;

  @ApiProperty({
    enum: ['pending', 'settled', 'voided'],
    description:
      'pending: seen, not counted yet (a transaction in the mempool or short of its confirmations); settled: ' +
      'counted in amountPaid (a manual charge is settled when it is made); voided: its transaction was replaced, ' +
      'it counts for nothing and stays as a record',
  })
  state: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  settledAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  voidedAt: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1,
    description: "A Bitcoin charge's confirmations when last seen; null for methods without them",
  })
  confirmations: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.04576250',
    description: 'What was really received when not in the request currency (BTC at 8 decimals)',
  })
  originalAmount: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'BTC' })
  originalCurrency: string | null;
}

/** A Bitcoin checkout invoice's payments as the chain watcher sees them (BTCPay's view). */
export class PaymentRequestCheckoutDto {
  @ApiProperty({ format: 'uuid' })
  storeId: string;

  @ApiProperty({ enum: ['NEW', 'PAID'], description: "Seed 003's status" })
  status: string;

  @ApiProperty({
    enum: ['new', 'processing', 'settled', 'expired', 'invalid'],
    description:
      'new: not paid enough, before expiry; processing: paid enough, not confirmed enough yet; settled: ' +
      'confirmed enough (PAID); expired: not paid enough after expiry (payments are still watched until ' +
      'monitoringUntil); invalid: paid enough but still unconfirmed when monitoring ended',
  })
  state: string;

  @ApiProperty({ example: '2N84FHPk745t1Ws7vjTX2V4UTvDtwMVfzQq' })
  btcAddress: string;

  @ApiProperty({ example: '0.04576250', description: 'What the customer must send (btc_amount)' })
  btcAmount: string;

  @ApiProperty({ example: '0.01000000', description: 'Every standing payment seen, confirmed or not' })
  btcPaid: string;

  @ApiProperty({
    example: '0.00000000',
    description: "Of which confirmed enough (the store's confirmations)",
  })
  btcSettled: string;

  @ApiProperty({ example: '0.01000000', description: 'Of which still short of its confirmations' })
  btcPending: string;

  @ApiProperty({ example: '0.03576250', description: 'btcAmount − btcPaid; negative when overpaid' })
  btcDue: string;

  @ApiProperty({ description: 'Something was paid, less than btcAmount less the tolerance' })
  paidPartial: boolean;

  @ApiProperty({ description: 'More than btcAmount was paid: the excess is the merchant’s to give back' })
  paidOver: boolean;

  @ApiProperty({ description: 'The minimum was reached only by payments seen after expiresAt' })
  paidLate: boolean;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ format: 'date-time', description: 'Payments are watched for until then' })
  monitoringUntil: string;
}

export class PaymentRequestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '1200.50', description: "Written at the currency's scale: 1200.50 EUR, 1000 JPY" })
  amount: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, nullable: true })
  customerEmail: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  dueDate: string | null;

  @ApiProperty({ enum: PAYMENT_REQUEST_STATUSES })
  status: string;

  @ApiProperty({
    type: String,
    enum: PAYMENT_REQUEST_ORIGINS,
    nullable: true,
    description:
      'What made it when another resource sets its terms: `checkout`, a Bitcoin checkout invoice with the ' +
      'same id (its terms cannot change, it cannot be deleted: 409 PAYMENT_REQUEST_TERMS_FIXED). Null: made here',
  })
  origin: string | null;

  @ApiProperty({ example: '0.00', description: "The sum of the settled charges, at the currency's scale" })
  amountPaid: string;

  @ApiProperty({
    example: '1200.50',
    description: 'amount − amountPaid; negative when overpaid. Once cancelled, 0 − amountPaid (to give back)',
  })
  amountDue: string;

  @ApiProperty({
    example: '0.00',
    description:
      'The sum of the pending charges (seen, not settled yet), counted neither as paid nor in amountDue',
  })
  amountPending: string;

  @ApiProperty({
    type: [ChargeDto],
    description: 'Every charge, oldest first: pending, settled, and voided ones (which count for nothing)',
  })
  charges: ChargeDto[];

  @ApiProperty({ type: PaymentRequestInvoiceDto, nullable: true })
  invoice: PaymentRequestInvoiceDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  paidAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  cancelledAt: string | null;

  @ApiPropertyOptional({
    type: PaymentRequestCheckoutDto,
    description: 'Present when the request is a Bitcoin checkout invoice (seed 003), on GET and lists',
  })
  checkout?: PaymentRequestCheckoutDto;
}

export class PaymentRequestPageDto {
  @ApiProperty({ type: [PaymentRequestDto] })
  data: PaymentRequestDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
