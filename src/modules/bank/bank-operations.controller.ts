import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
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
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { parseSignedAmount } from '../../common/money/money.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination/cursor.js';
import { BankOperationsService } from './bank-operations.service.js';
import { presentBankOperation } from './bank.presenter.js';
import { bankOperationNotFound } from './bank.errors.js';
import {
  BankOperationDto,
  BankOperationPageDto,
  CreateBankOperationDto,
  ListBankOperationsQueryDto,
} from './dto/bank-operation.dto.js';

export const BankOperationIdPipe = new ParseUUIDPipe({ exceptionFactory: () => bankOperationNotFound() });

@ApiTags('Bank operations')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Missing scope' })
@ApiUnprocessableEntityResponse({
  type: ErrorBodyDto,
  description: 'VALIDATION_FAILED, with every field in `details`',
})
@Controller('api/v1/bank-operations')
export class BankOperationsController {
  constructor(private readonly operations: BankOperationsService) {}

  @Post()
  @RequireScopes('bank:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Enter a pending ("EN COURS") line by hand',
    description:
      'An imported statement line with the same account and amount, dated at most 5 days apart, confirms it later.',
  })
  @ApiCreatedResponse({ type: BankOperationDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'BANK_ACCOUNT_NOT_FOUND' })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreateBankOperationDto,
    @Req() req: Request,
  ): Promise<BankOperationDto> {
    const amount = parseSignedAmount(body.amount) as { value: string };
    return presentBankOperation(
      await this.operations.createPending(
        organizationId,
        {
          bankAccountId: body.bankAccountId,
          date: body.date,
          valueDate: body.valueDate,
          label: body.label,
          amount: amount.value,
        },
        storeWithWrite(req, presentBankOperation),
      ),
    );
  }

  @Get()
  @RequireScopes('bank:read')
  @ApiOperation({ summary: 'List bank operations, newest first, filtered, by pages (cursor)' })
  @ApiOkResponse({ type: BankOperationPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: ListBankOperationsQueryDto,
  ): Promise<BankOperationPageDto> {
    const { limit, cursor, ...filter } = query;
    const { rows, nextCursor } = await this.operations.list(organizationId, filter, {
      limit: limit ?? DEFAULT_PAGE_SIZE,
      cursor,
    });
    return toPage(rows, nextCursor, presentBankOperation);
  }

  @Get(':id')
  @RequireScopes('bank:read')
  @ApiOperation({ summary: 'Get a bank operation with its justification' })
  @ApiOkResponse({ type: BankOperationDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', BankOperationIdPipe) id: string,
  ): Promise<BankOperationDto> {
    return presentBankOperation(await this.operations.get(organizationId, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('bank:write')
  @ApiOperation({ summary: 'Delete a pending line that justifies no receipt' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'BANK_OPERATION_NOT_PENDING, BANK_OPERATION_HAS_AFFECTATIONS',
  })
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', BankOperationIdPipe) id: string,
  ): Promise<void> {
    await this.operations.deletePending(organizationId, id);
  }
}
