import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { BankOperationIdPipe } from '../bank/bank-operations.controller.js';
import { presentBankOperation } from '../bank/bank.presenter.js';
import { BankOperationDto } from '../bank/dto/bank-operation.dto.js';
import { presentSuggestion } from './affectation.presenter.js';
import { AffectationsService } from './affectations.service.js';
import { SetJustificationDto, SuggestionsQueryDto } from './dto/affectation.dto.js';
import { SuggestionListDto } from './dto/suggestion.dto.js';
import { SuggestionsService } from './suggestions.service.js';

/** What the affectations module adds to a bank operation: its suggestions and a person's justification. */
@ApiTags('Bank operations')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Missing scope' })
@ApiNotFoundResponse({ type: ErrorBodyDto, description: 'BANK_OPERATION_NOT_FOUND' })
@Controller('api/v1/bank-operations/:id')
export class BankOperationJustificationController {
  constructor(
    private readonly affectations: AffectationsService,
    private readonly suggestions: SuggestionsService,
  ) {}

  @Get('suggestions')
  @RequireScopes('bank:read')
  @ApiOperation({
    summary: 'Receipts that may justify this line, best first, with a score (0..100) and its reasons',
    description:
      'Candidates are unaffected receipts with the same TTC amount as the line (or as what is left of it), ' +
      'dated within 15 days of it, or whose reference is in the bank label. Reasons: exact TTC amount, ' +
      'debit vs `frais` and credit vs `vente`, days apart, reference or label words in the bank label.',
  })
  @ApiOkResponse({ type: SuggestionListDto })
  async suggest(
    @OrganizationId() organizationId: string,
    @Param('id', BankOperationIdPipe) id: string,
    @Query() query: SuggestionsQueryDto,
  ): Promise<SuggestionListDto> {
    const { operation, suggestions } = await this.suggestions.suggest(organizationId, id, query.limit ?? 10);
    return { bankOperation: presentBankOperation(operation), data: suggestions.map(presentSuggestion) };
  }

  @Put('justification')
  @RequireScopes('bank:write')
  @ApiOperation({
    summary: 'Mark the line `not_needed` or `receipt_lost`, with a comment',
    description: 'The mark stands (whatever affectations follow) until it is removed with DELETE.',
  })
  @ApiOkResponse({ type: BankOperationDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'BANK_OPERATION_ALREADY_JUSTIFIED' })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: 'VALIDATION_FAILED' })
  async setJustification(
    @OrganizationId() organizationId: string,
    @Param('id', BankOperationIdPipe) id: string,
    @Body() body: SetJustificationDto,
  ): Promise<BankOperationDto> {
    return presentBankOperation(
      await this.affectations.setManualJustification(organizationId, id, body.state, body.comment),
    );
  }

  @Delete('justification')
  @RequireScopes('bank:write')
  @ApiOperation({ summary: "Remove a person's mark: the state follows the affectations again" })
  @ApiOkResponse({ type: BankOperationDto })
  async clearJustification(
    @OrganizationId() organizationId: string,
    @Param('id', BankOperationIdPipe) id: string,
  ): Promise<BankOperationDto> {
    return presentBankOperation(await this.affectations.clearManualJustification(organizationId, id));
  }
}
