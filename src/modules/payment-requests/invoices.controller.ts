import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { UUID_PATTERN } from '../uploads/dto/upload.dto.js';
import { SeedUuidPipe } from '../uploads/seed-uuid.pipe.js';
import { CreateChargeDto, EmptyDto, InvoiceDto } from './dto/invoice.dto.js';
import { presentInvoice } from './invoice.presenter.js';
import { PaymentRequestsService } from './payment-requests.service.js';

const UUID_PARAM = { schema: { type: 'string' as const, format: 'uuid', pattern: UUID_PATTERN } };

/**
 * Seed 004: a payment request seen as an invoice with its charges (same id). Path ids are checked like
 * the other seeds' (400 INVALID_UUID); another organization's ids are 404, as unknown ones.
 */
@ApiTags('Invoices & charges (seed 004)')
@ApiBearerAuth('api-key')
@ApiNotFoundResponse({ type: ErrorBodyDto, description: 'PAYMENT_REQUEST_NOT_FOUND or CHARGE_NOT_FOUND' })
@ApiBadRequestResponse({ type: ErrorBodyDto, description: 'INVALID_UUID: a path id is not a uuid' })
@Controller('api/v1/invoices')
export class InvoicesController {
  constructor(private readonly requests: PaymentRequestsService) {}

  @Get(':id')
  @RequireScopes('payment-requests:read')
  @ApiOperation({ summary: 'Get an invoice with its charges' })
  @ApiParam({ name: 'id', ...UUID_PARAM })
  @ApiOkResponse({ type: InvoiceDto })
  async get(@OrganizationId() organizationId: string, @Param('id', SeedUuidPipe) id: string) {
    return presentInvoice(await this.requests.get(organizationId, id));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('payment-requests:write')
  @ApiOperation({ summary: 'Delete an invoice that has no charges (answers {})' })
  @ApiParam({ name: 'id', ...UUID_PARAM })
  @ApiOkResponse({ type: EmptyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'INVOICE_HAS_CHARGES: cancel it instead' })
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', SeedUuidPipe) id: string,
  ): Promise<EmptyDto> {
    await this.requests.delete(organizationId, id);
    return {};
  }

  @Post(':invoiceId/charges')
  @RequireScopes('payment-requests:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Add a charge (money received) to an invoice; answers the invoice' })
  @ApiParam({ name: 'invoiceId', ...UUID_PARAM })
  @ApiCreatedResponse({ type: InvoiceDto })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: 'VALIDATION_FAILED, naming the field' })
  async addCharge(
    @OrganizationId() organizationId: string,
    @Param('invoiceId', SeedUuidPipe) invoiceId: string,
    @Body() body: CreateChargeDto,
    @Req() req: Request,
  ) {
    return presentInvoice(
      await this.requests.addCharge(organizationId, invoiceId, body, storeWithWrite(req, presentInvoice)),
    );
  }

  @Delete(':invoiceId/charges/:id')
  @HttpCode(200)
  @RequireScopes('payment-requests:write')
  @ApiOperation({ summary: 'Delete a charge; answers the invoice (back to 10 when no longer covered)' })
  @ApiParam({ name: 'invoiceId', ...UUID_PARAM })
  @ApiParam({ name: 'id', ...UUID_PARAM })
  @ApiOkResponse({ type: InvoiceDto })
  async deleteCharge(
    @OrganizationId() organizationId: string,
    @Param('invoiceId', SeedUuidPipe) invoiceId: string,
    @Param('id', SeedUuidPipe) id: string,
  ) {
    return presentInvoice(await this.requests.deleteCharge(organizationId, invoiceId, id));
  }
}
