import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsCurrencyCode } from '../../../common/money/money.validators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { ADDRESS_TYPES } from '../bitcoin/extended-key.js';

const URL_MAX = 2048;
const upperCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;
/** A JSON number becomes its string; "0", "1.5", "100.00" stay as written. */
const toDecimalString = ({ value }: { value: unknown }) =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
const PERCENT = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/;
const REDIRECT_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

const DERIVATION_SCHEME_DOC =
  'An extended public key: zpub/vpub (native segwit, bc1…/tb1…), ypub/upub (segwit in P2SH, 3…/2…), ' +
  "or xpub/tpub with `addressType`. Account level (depth 3, m/84'/0'/0') or a master key (depth 0). " +
  'The network follows the key. Private keys, multisig keys (Ypub/Zpub/Upub/Vpub) and bad checksums are ' +
  'refused. Cannot change once the store has handed out an address.';

/** What POST and PATCH share; POST requires name, currency and derivationScheme. */
class StoreFieldsDto {
  @ApiPropertyOptional({
    enum: ADDRESS_TYPES,
    description: 'Required with an xpub/tpub; implied by zpub/vpub (p2wpkh) and ypub/upub (p2sh-p2wpkh)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(ADDRESS_TYPES)
  addressType?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: URL_MAX,
    example: 'https://example.com/checkout/callback',
    description:
      "Where seed 003's callback object is POSTed (signed with `callbackSecret`). http(s), no user:password, " +
      'no fragment; its host must resolve to a public address (checked now and on every delivery).',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsString()
  @Length(1, URL_MAX)
  callbackUrl?: string | null;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 6,
    default: 1,
    description:
      'Confirmations a payment needs before the invoice is PAID; a payment signalling replace-by-fee waits for 1 even at 0',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(0)
  @Max(6)
  confirmations?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10080, default: 15, description: 'How long the rate is held' })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(1)
  @Max(10080)
  expirationMinutes?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 43200,
    default: 1440,
    description: 'How long after expiry payments are still watched for (and reported as paid late)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(0)
  @Max(43200)
  monitoringMinutes?: number;

  @ApiPropertyOptional({
    type: String,
    example: '0',
    default: '0',
    description:
      'A payment short of the amount by at most this percentage (0–100, 2 decimals) still pays the invoice',
  })
  @ValidateIf((_, v) => v !== undefined)
  @Transform(toDecimalString)
  @IsString({ message: 'paymentTolerancePercent must be a number from 0 to 100 with at most 2 decimals' })
  @Matches(PERCENT, {
    message: 'paymentTolerancePercent must be a number from 0 to 100 with at most 2 decimals',
  })
  paymentTolerancePercent?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: URL_MAX,
    description: "Default of invoices' success_redirect_url",
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsUrl(REDIRECT_URL, { message: 'successRedirectUrl must be an http(s) URL' })
  @MaxLength(URL_MAX)
  successRedirectUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: URL_MAX,
    description: 'Default of invoices\' error_redirect_url (the page\'s "Return to store" link)',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsUrl(REDIRECT_URL, { message: 'errorRedirectUrl must be an http(s) URL' })
  @MaxLength(URL_MAX)
  errorRedirectUrl?: string | null;
}

export class CreateStoreDto extends StoreFieldsDto {
  @ApiProperty({ example: 'Boutique en ligne', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    example: 'EUR',
    description: 'The settlement currency invoices are priced in: an ISO 4217 code the rate sources price',
  })
  @Transform(upperCase)
  @IsCurrencyCode()
  currency: string;

  @ApiProperty({
    example:
      'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs',
    description: DERIVATION_SCHEME_DOC,
  })
  @IsString()
  @Length(1, 200)
  derivationScheme: string;
}

/** Every field optional; null clears callbackUrl and the redirect URLs. */
export class UpdateStoreDto extends StoreFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'Applies to invoices made from now on' })
  @ValidateIf((_, v) => v !== undefined)
  @Transform(upperCase)
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ description: DERIVATION_SCHEME_DOC })
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @Length(1, 200)
  derivationScheme?: string;
}

export class StoreWarningDto {
  @ApiProperty({ enum: ['GAP_LIMIT_EXCEEDED'] })
  code: string;

  @ApiProperty()
  message: string;
}

export class StoreDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty()
  derivationScheme: string;

  @ApiProperty({ enum: ADDRESS_TYPES })
  addressType: string;

  @ApiProperty({ enum: ['mainnet', 'testnet'], description: "Follows from the key's version bytes" })
  network: string;

  @ApiProperty({ type: String, nullable: true })
  callbackUrl: string | null;

  @ApiProperty({ minimum: 0, maximum: 6 })
  confirmations: number;

  @ApiProperty()
  expirationMinutes: number;

  @ApiProperty()
  monitoringMinutes: number;

  @ApiProperty({ example: '0.00' })
  paymentTolerancePercent: string;

  @ApiProperty({ type: String, nullable: true })
  successRedirectUrl: string | null;

  @ApiProperty({ type: String, nullable: true })
  errorRedirectUrl: string | null;

  @ApiProperty({ description: 'Receiving addresses handed out so far (indexes 0 … n−1 of …/0/n)' })
  addressesIssued: number;

  @ApiProperty({ description: 'How many of the most recent addresses in a row have received no payment' })
  consecutiveUnpaid: number;

  @ApiProperty({
    type: [StoreWarningDto],
    description: 'GAP_LIMIT_EXCEEDED once consecutiveUnpaid passes 20, the gap limit of most wallets',
  })
  warnings: StoreWarningDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class StoreWithSecretDto extends StoreDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Signs the callbacks (Standard Webhooks). Shown here only: at creation and on rotate-secret',
  })
  callbackSecret: string;
}

export class StorePageDto {
  @ApiProperty({ type: [StoreDto] })
  data: StoreDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
