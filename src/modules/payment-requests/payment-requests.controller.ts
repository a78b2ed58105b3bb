import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import type { Request } from 'express';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import {
  DEFAULT_PAGE_SIZE,
  parseCursor,
  type Page,
  toPage,
  nextCreatedAtCursor,
} from '../../common/pagination/cursor.js';
import { UUID } from '../../common/pagination/uuid.js';
import {
  CreatePaymentRequestDto,
  ListPaymentRequestsQuery,
  PaymentRequestDto,
  PaymentRequestPageDto,
  UpdatePaymentRequestDto,
} from './dto/payment-request.dto.js';
import { PaymentRequestDetails } from './payment-request-details.js';
import { presentPaymentRequest } from './payment-request.presenter.js';
import { paymentRequestNotFound } from './payment-requests.errors.js';
import { PaymentRequestsService } from './payment-requests.service.js';

const SORT = '-created_at';

@ApiTags('Payment requests')
@ApiBearerAuth('api-key')
@Controller('api/v1/payment-requests')
export class PaymentRequestsController {
  constructor(
    private readonly requests: PaymentRequestsService,
    private readonly details: PaymentRequestDetails,
  ) {}

  @Post()
  @RequireScopes('payment-requests:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a payment request (status unpaid)' })
  @ApiCreatedResponse({ type: PaymentRequestDto })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreatePaymentRequestDto,
    @Req() req: Request,
  ) {
    return presentPaymentRequest(
      await this.requests.create(organizationId, body, storeWithWrite(req, presentPaymentRequest)),
    );
  }

  @Get()
  @RequireScopes('payment-requests:read')
  @ApiOperation({ summary: 'List payment requests, newest first, by pages (cursor)' })
  @ApiOkResponse({ type: PaymentRequestPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: ListPaymentRequestsQuery,
  ): Promise<Page<PaymentRequestDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let cursor;
    if (query.cursor !== undefined) {
      cursor = parseCursor(query.cursor, { sort: SORT, value: 'iso-ms', id: 'uuid' });
      if (!cursor) throw invalidQuery('cursor', 'cursor is not one this list gave');
    }
    const { rows, hasMore } = await this.requests.list(organizationId, query, limit, cursor);
    const nextCursor = nextCreatedAtCursor(
      SORT,
      rows.map((r) => r.request),
      hasMore,
    );
    const page = toPage(rows, nextCursor, presentPaymentRequest);
    return { ...page, data: await this.details.attach(organizationId, page.data) };
  }

  @Get(':id')
  @RequireScopes('payment-requests:read')
  @ApiOperation({ summary: 'Get a payment request' })
  @ApiOkResponse({ type: PaymentRequestDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async get(@OrganizationId() organizationId: string, @Param('id') id: string) {
    return this.details.attach(
      organizationId,
      presentPaymentRequest(await this.requests.get(organizationId, checkId(id))),
    );
  }

  @Patch(':id')
  @RequireScopes('payment-requests:write')
  @ApiOperation({ summary: 'Change a payment request while it is unpaid' })
  @ApiOkResponse({ type: PaymentRequestDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'PAYMENT_REQUEST_NOT_EDITABLE: paid or cancelled' })
  async update(
    @OrganizationId() organizationId: string,
    @Param('id') id: string,
    @Body() body: UpdatePaymentRequestDto,
  ) {
    return presentPaymentRequest(await this.requests.update(organizationId, checkId(id), body));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScopes('payment-requests:write')
  @ApiOperation({ summary: 'Cancel a payment request (harmless when already cancelled; refused once paid)' })
  @ApiOkResponse({ type: PaymentRequestDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto })
  async cancel(@OrganizationId() organizationId: string, @Param('id') id: string) {
    return presentPaymentRequest(await this.requests.cancel(organizationId, checkId(id)));
  }
}

function checkId(id: string): string {
  if (!UUID.test(id)) throw paymentRequestNotFound();
  return id;
}

function invalidQuery(field: string, message: string): DomainError {
  return new DomainError('unprocessable', 'VALIDATION_FAILED', message, [{ field, messages: [message] }]);
}
