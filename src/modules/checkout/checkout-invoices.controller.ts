import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { presentCheckoutInvoice } from './checkout-invoice.presenter.js';
import { CheckoutInvoicesService } from './checkout-invoices.service.js';
import { StoreIdPipe } from './checkout-stores.controller.js';
import { checkoutInvoiceNotFound } from './checkout.errors.js';
import {
  CheckoutInvoiceDto,
  CheckoutInvoicePageDto,
  CreateCheckoutInvoiceDto,
} from './dto/checkout-invoice.dto.js';

export const InvoiceIdPipe = new ParseUUIDPipe({ exceptionFactory: () => checkoutInvoiceNotFound() });

/** Seed 003: `Authorization: Token <key>` as in the seed, or Bearer. */
@ApiTags('Checkout')
@ApiBearerAuth('api-key')
@Controller('api/v1/checkout/stores/:storeId/invoices')
export class CheckoutInvoicesController {
  private readonly publicUrl: string;

  constructor(
    private readonly invoices: CheckoutInvoicesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.publicUrl = config.publicUrl;
  }

  @Post()
  @RequireScopes('checkout:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Create an invoice (seed 003)',
    description:
      "Priced now from the rate sources, paid to the next address of the store's key. Also a payment " +
      'request with the same id (/api/v1/payment-requests/{id}, /api/v1/invoices/{id}).',
  })
  @ApiCreatedResponse({ type: CheckoutInvoiceDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: "VALIDATION_FAILED: amount, currency (not the store's), customer_email, redirect URLs",
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description:
      'CHECKOUT_STORE_CHANGED (its currency changed meanwhile: retry), CHECKOUT_STORE_ADDRESSES_EXHAUSTED',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'RATE_UNAVAILABLE: no rate source could price the currency; nothing was created',
  })
  async create(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Body() body: CreateCheckoutInvoiceDto,
    @Req() req: Request,
  ): Promise<CheckoutInvoiceDto> {
    const present = (invoice: Parameters<typeof presentCheckoutInvoice>[0]) =>
      presentCheckoutInvoice(invoice, this.publicUrl);
    const invoice = await this.invoices.create(
      organizationId,
      storeId,
      {
        amount: body.amount,
        currency: body.currency,
        customerEmail: body.customer_email,
        successRedirectUrl: body.success_redirect_url,
        errorRedirectUrl: body.error_redirect_url,
      },
      storeWithWrite(req, present),
    );
    return present(invoice);
  }

  @Get()
  @RequireScopes('checkout:read')
  @ApiOperation({ summary: "The store's invoices, newest first, by pages (cursor)" })
  @ApiOkResponse({ type: CheckoutInvoicePageDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  async list(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Query() query: PageQueryDto,
  ): Promise<CheckoutInvoicePageDto> {
    const { rows, nextCursor } = await this.invoices.list(organizationId, storeId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      data: rows.map((i) => presentCheckoutInvoice(i, this.publicUrl)),
      has_more: nextCursor !== null,
      next_cursor: nextCursor,
    };
  }

  @Get(':invoiceId')
  @RequireScopes('checkout:read')
  @ApiOperation({ summary: 'Show an invoice (seed 003)' })
  @ApiOkResponse({ type: CheckoutInvoiceDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'CHECKOUT_STORE_NOT_FOUND, CHECKOUT_INVOICE_NOT_FOUND',
  })
  async get(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Param('invoiceId', InvoiceIdPipe) invoiceId: string,
  ): Promise<CheckoutInvoiceDto> {
    return presentCheckoutInvoice(
      await this.invoices.get(organizationId, storeId, invoiceId),
      this.publicUrl,
    );
  }
}
