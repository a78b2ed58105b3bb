import { ApiProperty } from '@nestjs/swagger';
import { LIGHTNING_PAYMENT_STATES, type LightningPaymentState } from '../lightning-payment.entity.js';

export class LightningPaymentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  paymentRequestId: string;

  @ApiProperty({
    example: 'lnbcrt455762500n1p…',
    description: 'The BOLT #11 invoice the payer’s wallet reads',
  })
  bolt11: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Also the reference of its `lightning` charge' })
  paymentHash: string;

  @ApiProperty({ example: '1001.54', description: 'What it pays of the request, in its currency' })
  amount: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ example: '4576250000', description: 'What it asks, in millisatoshis (a decimal string)' })
  amountMsat: string;

  @ApiProperty({ example: '0.04576250', description: 'amountMsat in BTC' })
  btcAmount: string;

  @ApiProperty({
    example: '0.000045692133693556',
    description: 'BTC per unit of currency, held until expiresAt',
  })
  rate: string;

  @ApiProperty({ example: 'kraken' })
  rateSource: string;

  @ApiProperty({ format: 'date-time' })
  rateFetchedAt: string;

  @ApiProperty({ enum: LIGHTNING_PAYMENT_STATES })
  state: LightningPaymentState;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  settledAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'What the payer sent, in millisatoshis' })
  amountPaidMsat: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The charge its payment added' })
  chargeId: string | null;
}

export class LightningPaymentPageDto {
  @ApiProperty({ type: [LightningPaymentDto] })
  data: LightningPaymentDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
