import { Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import {
  DEFAULT_PAGE_SIZE,
  readCursor,
  type Page,
  toPage,
  nextCreatedAtCursor,
} from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { UUID } from '../../common/pagination/uuid.js';
import { paymentRequestNotFound } from '../payment-requests/payment-requests.errors.js';
import { LightningPaymentDto, LightningPaymentPageDto } from './dto/lightning-payment.dto.js';
import { presentLightningPayment } from './lightning-payment.presenter.js';
import { LightningPaymentsService } from './lightning-payments.service.js';

const SORT = '-created_at';

@ApiTags('Payment requests')
@ApiBearerAuth('api-key')
@Controller('api/v1/payment-requests')
export class LightningPaymentsController {
  constructor(private readonly payments: LightningPaymentsService) {}

  @Post(':id/lightning-invoice')
  @RequireScopes('payment-requests:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'A Lightning invoice for what is still due',
    description:
      'A BOLT #11 invoice for the amount due less what is pending, converted with the rate sources and ' +
      'holding that rate until it expires (LIGHTNING_INVOICE_EXPIRY_SECONDS). 201 when issued; 200 with ' +
      'the open invoice for the same amount when one has two minutes or more to live. Once paid, a ' +
      '`lightning` charge (reference: the payment hash) is added, and the status and webhooks follow.',
  })
  @ApiCreatedResponse({ type: LightningPaymentDto, description: 'A new invoice' })
  @ApiOkResponse({ type: LightningPaymentDto, description: 'The open invoice for the same amount' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'PAYMENT_REQUEST_NOT_PAYABLE (cancelled), PAYMENT_REQUEST_NOTHING_DUE (paid, or pending)',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'RATE_UNAVAILABLE, LIGHTNING_UNAVAILABLE',
  })
  async issue(
    @OrganizationId() organizationId: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LightningPaymentDto> {
    const { payment, created } = await this.payments.issue(organizationId, checkId(id));
    res.status(created ? 201 : 200);
    return presentLightningPayment(payment);
  }

  @Get(':id/lightning-invoices')
  @RequireScopes('payment-requests:read')
  @ApiOperation({ summary: "A payment request's Lightning invoices, newest first, by pages (cursor)" })
  @ApiOkResponse({ type: LightningPaymentPageDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async list(
    @OrganizationId() organizationId: string,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<LightningPaymentDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const cursor =
      query.cursor === undefined
        ? undefined
        : readCursor(query.cursor, { sort: SORT, value: 'iso-ms', id: 'uuid' });
    const { rows, hasMore } = await this.payments.list(organizationId, checkId(id), limit, cursor);
    return toPage(rows, nextCreatedAtCursor(SORT, rows, hasMore), presentLightningPayment);
  }
}

function checkId(id: string): string {
  if (!UUID.test(id)) throw paymentRequestNotFound();
  return id;
}
