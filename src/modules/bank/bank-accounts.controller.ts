import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { BankAccountsService } from './bank-accounts.service.js';
import { presentBankAccount } from './bank.presenter.js';
import { bankAccountNotFound, statementFileRequired } from './bank.errors.js';
import { BankAccountDto, BankAccountPageDto, CreateBankAccountDto } from './dto/bank-account.dto.js';
import {
  ImportStatementMultipartDto,
  ImportStatementOptionsDto,
  StatementImportReportDto,
} from './dto/statement-import.dto.js';
import { StatementImportService } from './statement-import.service.js';
import { StatementUploadInterceptor } from './statement-upload.interceptor.js';

export const BankAccountIdPipe = new ParseUUIDPipe({ exceptionFactory: () => bankAccountNotFound() });

@ApiTags('Bank accounts and statements')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Missing scope' })
@ApiUnprocessableEntityResponse({
  type: ErrorBodyDto,
  description: 'VALIDATION_FAILED, with every field in `details`',
})
@Controller('api/v1/bank-accounts')
export class BankAccountsController {
  constructor(
    private readonly accounts: BankAccountsService,
    private readonly statements: StatementImportService,
  ) {}

  @Post()
  @RequireScopes('bank:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a bank account' })
  @ApiCreatedResponse({ type: BankAccountDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'BANK_ACCOUNT_IBAN_TAKEN' })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreateBankAccountDto,
    @Req() req: Request,
  ): Promise<BankAccountDto> {
    return presentBankAccount(
      await this.accounts.create(organizationId, body, storeWithWrite(req, presentBankAccount)),
    );
  }

  @Get()
  @RequireScopes('bank:read')
  @ApiOperation({ summary: "The organization's bank accounts, oldest first, by pages (cursor)" })
  @ApiOkResponse({ type: BankAccountPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: PageQueryDto,
  ): Promise<BankAccountPageDto> {
    const { rows, nextCursor } = await this.accounts.list(organizationId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return toPage(rows, nextCursor, presentBankAccount);
  }

  @Get(':id')
  @RequireScopes('bank:read')
  @ApiOperation({ summary: 'Get a bank account' })
  @ApiOkResponse({ type: BankAccountDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', BankAccountIdPipe) id: string,
  ): Promise<BankAccountDto> {
    return presentBankAccount(await this.accounts.get(organizationId, id));
  }

  @Post(':id/statements')
  @RequireScopes('bank:write')
  @UseInterceptors(StatementUploadInterceptor, IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Import a statement: CSV, OFX or camt.053',
    description:
      'Creates a bank operation per new line. Lines already imported are skipped (by the OFX FITID, the camt ' +
      'AcctSvcrRef/NtryRef, or a hash of a CSV line), so importing the same file twice creates nothing the ' +
      'second time. A line matching a pending line (same account and amount, dates at most 5 days apart) ' +
      'confirms it instead of creating a duplicate. CSV columns, delimiter, decimal separator and date order ' +
      'are detected unless given. A file that is damaged or cut short (an OFX or camt.053 whose elements ' +
      'are not all closed, a transaction without its amount, date or id) is refused whole with 422 ' +
      'STATEMENT_UNREADABLE and nothing is written; a CSV line that cannot be read (including one whose ' +
      'number of fields differs from the header) is rejected with its line and why, and the rest imported. ' +
      'When the file states balances, balanceCheck says whether opening + lines = closing; a mismatch is ' +
      'reported (and a BALANCE_MISMATCH warning), the lines are imported all the same.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportStatementMultipartDto })
  @ApiCreatedResponse({ type: StatementImportReportDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'BANK_ACCOUNT_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description:
      'STATEMENT_UNREADABLE (damaged or cut short: nothing is written), STATEMENT_ACCOUNT_MISMATCH, ' +
      'STATEMENT_FILE_REQUIRED, STATEMENT_FILE_EMPTY, VALIDATION_FAILED',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'STATEMENT_TOO_LARGE (over 5 MiB)' })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorBodyDto,
    description: 'MULTIPART_REQUIRED, STATEMENT_FORMAT_UNKNOWN',
  })
  async importStatement(
    @OrganizationId() organizationId: string,
    @Param('id', BankAccountIdPipe) id: string,
    @Body() options: ImportStatementOptionsDto,
    @Req() req: Request,
  ): Promise<StatementImportReportDto> {
    if (!req.statementFile) throw statementFileRequired();
    return this.statements.import(organizationId, id, req.statementFile, {
      format: options.format,
      csv: {
        delimiter: options.delimiter,
        decimalSeparator: options.decimalSeparator,
        dateFormat: options.dateFormat,
        columns: definedOnly({
          date: options.dateColumn,
          valueDate: options.valueDateColumn,
          label: options.labelColumn,
          amount: options.amountColumn,
          debit: options.debitColumn,
          credit: options.creditColumn,
          balance: options.balanceColumn,
        }),
      },
    });
  }
}

function definedOnly<T extends Record<string, string | undefined>>(
  record: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof T, string>
  >;
}
