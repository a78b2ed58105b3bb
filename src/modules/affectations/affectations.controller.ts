import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
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
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { parseSignedAmount } from '../../common/money/money.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination/cursor.js';
import { AffectationIdPipe } from './affectation-id.pipe.js';
import { presentAffectation } from './affectation.presenter.js';
import { AffectationsService } from './affectations.service.js';
import {
  AffectationDto,
  AffectationPageDto,
  AutoMatchDto,
  CreateAffectationDto,
  ListAffectationsQueryDto,
} from './dto/affectation.dto.js';
import { AutoMatchReportDto } from './dto/suggestion.dto.js';
import { DEFAULT_AUTO_MATCH_THRESHOLD } from './score-match.js';
import { SuggestionsService } from './suggestions.service.js';

@ApiTags('Affectations')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Missing scope' })
@ApiUnprocessableEntityResponse({
  type: ErrorBodyDto,
  description: 'VALIDATION_FAILED, with every field in `details`',
})
@Controller('api/v1/affectations')
export class AffectationsController {
  constructor(
    private readonly affectations: AffectationsService,
    private readonly suggestions: SuggestionsService,
  ) {}

  @Post()
  @RequireScopes('bank:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Tie a receipt to a bank operation',
    description:
      "Sets the receipt's `status` (true), `affectation_id` and `operation_date` (the operation's date, at " +
      "midnight in the API's time zone) and adds the amount to the operation's justification, in one " +
      "transaction. Refused: another organization's receipt or operation (404), a receipt already affected " +
      '(409 RECEIPT_ALREADY_AFFECTED), an amount over what is left to justify (422 AMOUNT_EXCEEDS_REMAINING) ' +
      "or over the receipt's TTC amount (422 AMOUNT_EXCEEDS_RECEIPT).",
  })
  @ApiCreatedResponse({ type: AffectationDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'RECEIPT_NOT_FOUND, BANK_OPERATION_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'RECEIPT_ALREADY_AFFECTED' })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreateAffectationDto,
    @Req() req: Request,
  ): Promise<AffectationDto> {
    const amount =
      body.amount === undefined ? undefined : (parseSignedAmount(body.amount) as { value: string }).value;
    return presentAffectation(
      await this.affectations.create(
        organizationId,
        { receiptId: body.receiptId, bankOperationId: body.bankOperationId, amount },
        'manual',
        storeWithWrite(req, presentAffectation),
      ),
    );
  }

  @Post('auto-match')
  @HttpCode(200)
  @RequireScopes('bank:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Affect the unique, confident pairs among the lines still to justify',
    description:
      'For each line still `missing` or `partial` (oldest first, up to `limit`), scores its candidate receipts ' +
      "as the suggestions do. A pair is affected only when its receipt is the line's one candidate at or above " +
      '`threshold` and no other line of the run has that receipt at or above it. Reports what it affected and ' +
      'what it left, and why.',
  })
  @ApiOkResponse({ type: AutoMatchReportDto })
  async autoMatch(
    @OrganizationId() organizationId: string,
    @Body() body: AutoMatchDto,
  ): Promise<AutoMatchReportDto> {
    return this.suggestions.autoMatch(organizationId, {
      bankAccountId: body.bankAccountId,
      dateFrom: body.dateFrom,
      dateTo: body.dateTo,
      threshold: body.threshold ?? DEFAULT_AUTO_MATCH_THRESHOLD,
      limit: body.limit ?? 200,
      dryRun: body.dryRun ?? false,
    });
  }

  @Get()
  @RequireScopes('bank:read')
  @ApiOperation({ summary: 'List affectations, newest first, by pages (cursor)' })
  @ApiOkResponse({ type: AffectationPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: ListAffectationsQueryDto,
  ): Promise<AffectationPageDto> {
    const { rows, nextCursor } = await this.affectations.list(
      organizationId,
      { bankOperationId: query.bankOperationId, receiptId: query.receiptId },
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor },
    );
    return toPage(rows, nextCursor, presentAffectation);
  }

  @Get(':id')
  @RequireScopes('bank:read')
  @ApiOperation({ summary: 'Get an affectation' })
  @ApiOkResponse({ type: AffectationDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', AffectationIdPipe) id: number,
  ): Promise<AffectationDto> {
    return presentAffectation(await this.affectations.get(organizationId, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('bank:write')
  @ApiOperation({
    summary: 'Undo an affectation',
    description:
      "The receipt's `status` goes back to false, `affectation_id` to null and `operation_date` to the date it " +
      "had before; the operation's justification drops by the amount. One transaction.",
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', AffectationIdPipe) id: number,
  ): Promise<void> {
    await this.affectations.delete(organizationId, id);
  }
}
