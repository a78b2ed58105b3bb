import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlatformAdminOnly } from '../../../common/auth/auth.decorators.js';
import { DomainError } from '../../../common/errors/domain-error.js';
import { ErrorBodyDto } from '../../../common/errors/error-body.dto.js';
import { DevLightningBackend } from './dev-lightning-backend.js';

export class SettledDevInvoiceDto {
  @ApiProperty({ example: 'a3f1c0d2e4b5a6978812345678901234567890abcdefabcdefabcdefabcdef01' })
  paymentHash: string;

  @ApiProperty({ enum: ['settled'] })
  state: 'settled';

  @ApiProperty({
    description: 'What a paying node learns; sha256(preimage) = paymentHash (hex)',
    example: '0c5b0e0e8d1b7a5c2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a',
  })
  preimage: string;

  @ApiProperty({
    description: 'Millisatoshis, a decimal string: the amount of the invoice',
    example: '2500000',
  })
  amountPaidMsat: string;

  @ApiProperty({ format: 'date-time' })
  settledAt: string;
}

/** Only registered with LIGHTNING_BACKEND=dev: with any other backend the route does not exist (404). */
@ApiTags('Lightning')
@ApiBearerAuth('api-key')
@Controller('api/v1/lightning/dev/invoices')
export class DevInvoicesController {
  constructor(private readonly backend: DevLightningBackend) {}

  @Post(':payment_hash/settle')
  @HttpCode(200)
  @PlatformAdminOnly()
  @ApiOperation({
    summary: 'Mark a dev invoice paid, as a payment would (platform admin, LIGHTNING_BACKEND=dev only)',
    description:
      'The dev backend issues real, signed regtest invoices (`lnbcrt…`) that no wallet can pay: this is how ' +
      'a developer pays one. Settling a settled invoice again answers the same (idempotent). The route exists ' +
      'only while LIGHTNING_BACKEND is dev: with LND it answers 404.',
  })
  @ApiParam({
    name: 'payment_hash',
    description: '64 hexadecimal digits',
    example: 'a3f1c0d2e4b5a6978812345678901234567890abcdefabcdefabcdefabcdef01',
  })
  @ApiOkResponse({ type: SettledDevInvoiceDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'LIGHTNING_INVOICE_NOT_FOUND: no dev invoice has this payment hash',
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'LIGHTNING_INVOICE_EXPIRED or LIGHTNING_INVOICE_CANCELLED: it can no longer be paid',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: 'VALIDATION_FAILED: not 64 hexadecimal digits',
  })
  async settle(@Param('payment_hash') paymentHash: string): Promise<SettledDevInvoiceDto> {
    if (!/^[0-9a-fA-F]{64}$/.test(paymentHash)) {
      throw new DomainError(
        'unprocessable',
        'VALIDATION_FAILED',
        'payment_hash must be 64 hexadecimal digits',
        [{ field: 'payment_hash', messages: ['payment_hash must be 64 hexadecimal digits'] }],
      );
    }
    const settled = await this.backend.settle(paymentHash);
    return {
      paymentHash: settled.paymentHash,
      state: 'settled',
      preimage: settled.preimage,
      amountPaidMsat: settled.amountPaidMsat.toString(),
      settledAt: settled.settledAt.toISOString(),
    };
  }
}
