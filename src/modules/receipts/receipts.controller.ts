import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { FieldValidationError } from '../../common/errors/domain-error.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { encodeCursor, type Page } from '../../common/pagination/cursor.js';
import {
  ReceiptDto,
  ReceiptFieldErrorsDto,
  ReceiptMultipartDto,
  ReceiptPageDto,
  ReceiptWriteDto,
} from './dto/receipt.dto.js';
import { InputFaultsAsFieldMap } from '../../common/validation/request-input.interceptor.js';
import { MESSAGES } from './receipt-input.js';
import { ReceiptIdPipe } from './receipt-id.pipe.js';
import { parseReceiptListQuery, RECEIPT_SORT_FIELDS } from './receipt-list-query.js';
import { ReceiptUploadInterceptor } from './receipt-upload.interceptor.js';
import type { Receipt } from './receipt.entity.js';
import { ReceiptPresenter, type ReceiptView } from './receipt.presenter.js';
import { ReceiptsService } from './receipts.service.js';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';

const AFFECTED_DATE =
  "An affected receipt (`status` true) keeps its bank operation's date: the `operation_date` sent is " +
  'validated but not applied while the affectation lasts.';

const WRITE_BODY = {
  schema: {
    oneOf: [{ $ref: getSchemaPath(ReceiptMultipartDto) }, { $ref: getSchemaPath(ReceiptWriteDto) }],
  },
};

/** Seed 002: the /invoice resource. Errors of its fields answer 422 with a flat French map. */
@ApiTags('Receipts (seed 002: /invoice)')
@ApiBearerAuth('api-key')
@ApiExtraModels(ReceiptWriteDto, ReceiptMultipartDto)
@ApiUnprocessableEntityResponse({
  type: ReceiptFieldErrorsDto,
  description: 'One French message per failing field',
})
@InputFaultsAsFieldMap({ too_deep: MESSAGES.tooDeep, invalid_unicode: MESSAGES.invalidText })
@Controller('invoice')
export class ReceiptsController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly presenter: ReceiptPresenter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @RequireScopes('receipts:write')
  @UseInterceptors(ReceiptUploadInterceptor, IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a receipt, with its file (multipart field `receipt`) or without (JSON)' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: ReceiptMultipartDto })
  @ApiCreatedResponse({ type: ReceiptDto })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ReceiptView> {
    const receipt = await this.receipts.create(
      organizationId,
      bodyOf(body),
      req.receiptFile,
      storeWithWrite(req, (created: Receipt) => this.presenter.present(created)),
    );
    return this.presenter.present(receipt);
  }

  @Get()
  @RequireScopes('receipts:read')
  // No examples on the filters: Swagger UI's Try it out would prefill and send them, narrowing the list.
  @ApiOperation({ summary: 'List receipts, filtered and sorted, by pages (cursor)' })
  @ApiQuery({ name: 'type', required: false, enum: ['frais', 'vente'] })
  @ApiQuery({ name: 'status', required: false, enum: ['0', '1', 'true', 'false'] })
  @ApiQuery({ name: 'operation_date_from', type: String, required: false, description: 'e.g. 2021-06-01' })
  @ApiQuery({
    name: 'operation_date_to',
    type: String,
    required: false,
    description: 'e.g. 2021-06-30 23:59:59',
  })
  @ApiQuery({ name: 'created_at_from', type: String, required: false })
  @ApiQuery({ name: 'created_at_to', type: String, required: false })
  @ApiQuery({ name: 'amount_min', type: String, required: false, description: 'e.g. 10.00' })
  @ApiQuery({ name: 'amount_max', type: String, required: false })
  @ApiQuery({ name: 'amount_with_vat_min', type: String, required: false })
  @ApiQuery({ name: 'amount_with_vat_max', type: String, required: false })
  @ApiQuery({
    name: 'q',
    type: String,
    required: false,
    description: 'Text found in label, reference or name',
  })
  @ApiQuery({
    name: 'sort',
    type: String,
    required: false,
    description: `One of ${RECEIPT_SORT_FIELDS.join(', ')}; prefix with - for descending (e.g. -operation_date). Default -id`,
  })
  @ApiQuery({ name: 'limit', type: Number, required: false, description: '1..100, default 50' })
  @ApiQuery({
    name: 'cursor',
    type: String,
    required: false,
    description: '`next_cursor` of the previous page',
  })
  @ApiOkResponse({ type: ReceiptPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() raw: Record<string, unknown>,
  ): Promise<Page<ReceiptView>> {
    const { query, errors } = parseReceiptListQuery(raw, this.config.appTimezone);
    if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
    const { rows, hasMore } = await this.receipts.list(organizationId, query);
    const last = rows.at(-1);
    return {
      data: rows.map((r) => this.presenter.presentListed(r)),
      has_more: hasMore,
      next_cursor:
        hasMore && last
          ? encodeCursor({ sort: query.sort.raw, value: last.cursor_value, id: last.id })
          : null,
    };
  }

  @Get(':id')
  @RequireScopes('receipts:read')
  @ApiOperation({ summary: 'Get a receipt' })
  @ApiOkResponse({ type: ReceiptDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', ReceiptIdPipe) id: number,
  ): Promise<ReceiptView> {
    return this.presenter.present(await this.receipts.get(organizationId, id));
  }

  @Put(':id')
  @RequireScopes('receipts:write')
  @UseInterceptors(ReceiptUploadInterceptor)
  @ApiOperation({
    summary: 'Replace a receipt (all fields as on create, `reference` optional); a new file replaces the old',
    description: AFFECTED_DATE,
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody(WRITE_BODY)
  @ApiOkResponse({ type: ReceiptDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async replace(
    @OrganizationId() organizationId: string,
    @Param('id', ReceiptIdPipe) id: number,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ReceiptView> {
    return this.presenter.present(
      await this.receipts.update(organizationId, id, bodyOf(body), 'replace', req.receiptFile),
    );
  }

  @Patch(':id')
  @RequireScopes('receipts:write')
  @UseInterceptors(ReceiptUploadInterceptor)
  @ApiOperation({
    summary:
      'Update some fields of a receipt (`type` and `operation_date` always required, as seed 002 says)',
    description: AFFECTED_DATE,
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody(WRITE_BODY)
  @ApiOkResponse({ type: ReceiptDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async patch(
    @OrganizationId() organizationId: string,
    @Param('id', ReceiptIdPipe) id: number,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ReceiptView> {
    return this.presenter.present(
      await this.receipts.update(organizationId, id, bodyOf(body), 'patch', req.receiptFile),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('receipts:write')
  @ApiOperation({ summary: 'Delete a receipt and its file' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'RECEIPT_AFFECTED: the receipt justifies a bank operation; delete its affectation first',
  })
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', ReceiptIdPipe) id: number,
  ): Promise<void> {
    await this.receipts.delete(organizationId, id);
  }
}

/** A JSON array or scalar body carries no fields: validate it as an empty object. */
function bodyOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
