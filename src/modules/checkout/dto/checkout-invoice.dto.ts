import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { IsCurrencyCode, IsPositiveAmount, toAmountString } from '../../../common/money/money.validators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { CHECKOUT_INVOICE_STATUSES } from '../checkout-invoice.entity.js';

const URL_MAX = 2048;
const REDIRECT_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const upperCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** Seed 003's creation body (snake_case). */
export class CreateCheckoutInvoiceDto {
  @ApiProperty({
    type: String,
    example: '1001.54',
    description:
      "Decimal > 0 in the store's currency, as a string (a JSON number is accepted when exact), with at most " +
      "the currency's decimals (2 for EUR): never rounded",
  })
  @Transform(toAmountString)
  @IsPositiveAmount({ currencyField: 'currency' })
  amount: string;

  @ApiPropertyOptional({
    example: 'EUR',
    description: "The store's settlement currency (the default); another one is refused",
  })
  @ValidateIf((_, v) => v !== undefined)
  @Transform(upperCase)
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'customer@example.com' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsEmail({}, { message: 'customer_email must be an e-mail address' })
  @MaxLength(254)
  customer_email?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://example.com/process/success',
    description: "Where the checkout page sends the customer once paid; default: the store's",
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsUrl(REDIRECT_URL, { message: 'success_redirect_url must be an http(s) URL' })
  @MaxLength(URL_MAX)
  success_redirect_url?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://example.com/process/error',
    description: 'The page\'s "Return to store" link; default: the store\'s',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsUrl(REDIRECT_URL, { message: 'error_redirect_url must be an http(s) URL' })
  @MaxLength(URL_MAX)
  error_redirect_url?: string | null;
}

export class CheckoutInvoiceDto {
  @ApiProperty({ format: 'uuid', description: 'Also the id of its payment request' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  store_id: string;

  @ApiProperty({ example: '1001.54' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'Settlement currency' })
  currency: string;

  @ApiProperty({ enum: CHECKOUT_INVOICE_STATUSES })
  status: string;

  @ApiProperty({ type: String, nullable: true })
  success_redirect_url: string | null;

  @ApiProperty({ type: String, nullable: true })
  error_redirect_url: string | null;

  @ApiProperty({ example: '2020-12-28T10:10:34.791Z' })
  created_at: string;

  @ApiProperty({ example: '2020-12-28T10:10:34.791Z' })
  updated_at: string;

  @ApiProperty({ type: String, nullable: true })
  customer_email: string | null;

  @ApiProperty({
    example: '2N84FHPk745t1Ws7vjTX2V4UTvDtwMVfzQq',
    description: "The next receiving address of the store's key (…/0/n), never handed out twice",
  })
  btc_address: string;

  @ApiProperty({
    example: '0.04576250',
    description: 'What to send: amount × btc_rate rounded up to the satoshi (8 decimals)',
  })
  btc_amount: string;

  @ApiProperty({
    example: '0.000045692133693556',
    description: 'BTC per unit of the settlement currency, as the rate source gave it',
  })
  btc_rate: string;

  @ApiProperty({ example: '1181.8172', description: 'amount × usd_rate, exactly' })
  usd_amount: string;

  @ApiProperty({ example: '1.18', description: 'USD per unit of the settlement currency' })
  usd_rate: string;

  @ApiProperty({ example: '2020-12-28T10:25:34.791Z', description: 'Until then the rate holds' })
  expires_at: string;

  @ApiProperty({
    example: 'bitcoin:2N84FHPk745t1Ws7vjTX2V4UTvDtwMVfzQq?amount=0.0457625',
    description: 'BIP21',
  })
  payment_url: string;

  @ApiProperty({ example: 'https://pay.example.com/checkout/3cc95f4b-8b14-4c02-95e2-0002b77caa4d' })
  checkout_url: string;

  @ApiProperty({ example: '0/5', description: "The address's path under the store's key" })
  key_path: string;
}

export class CheckoutInvoicePageDto {
  @ApiProperty({ type: [CheckoutInvoiceDto] })
  data: CheckoutInvoiceDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
