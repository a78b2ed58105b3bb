import { Body, Controller, Get, Head, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiExtension,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth/auth.decorators.js';
import { ERRORS_AS_200 } from '../../common/openapi/openapi-document.js';
import {
  CheckPaidDto,
  InvoiceIssuedDto,
  PaidDto,
  SeedFailureDto,
  UploadFormDto,
  UploadedDto,
} from './dto/pay-to-upload.dto.js';
import { PayToUploadFilter } from './pay-to-upload.filter.js';
import { PayToUploadService, type IssuedInvoice, type UploadedFile } from './pay-to-upload.service.js';

const oneOf = (success: new () => unknown, description: string) =>
  ApiOkResponse({
    description: `${description} Every error is HTTP 200 too, with \`{success: false, message}\` (a sentence to show the user).`,
    schema: { oneOf: [{ $ref: getSchemaPath(success) }, { $ref: getSchemaPath(SeedFailureDto) }] },
  });

/**
 * Seed 000, exactly: three public routes at the root, HTTP 200 for every answer, errors as
 * `{success: false, message}` (PayToUploadFilter; a body no parser reads: seed-body-parsers.ts).
 */
@ApiTags('Pay-to-upload (seed 000)')
@ApiExtraModels(InvoiceIssuedDto, PaidDto, UploadedDto, SeedFailureDto)
@ApiExtension(ERRORS_AS_200, true)
@Public()
@UseFilters(PayToUploadFilter)
@Controller()
export class PayToUploadController {
  constructor(private readonly payToUpload: PayToUploadService) {}

  /**
   * Express lets a GET route answer HEAD too, which would issue (and store) an invoice nobody sees. This
   * route, registered before the GET one, answers HEAD first: 200, no body, nothing issued.
   */
  @Head('getInvoice')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  headInvoice(): void {
    return undefined;
  }

  @Get('getInvoice')
  @ApiOperation({
    summary: 'Get a Lightning invoice that pays for one upload',
    description:
      'A BOLT #11 invoice for PAY_TO_UPLOAD_PRICE_SATS, payable for PAY_TO_UPLOAD_INVOICE_EXPIRY_SECONDS. Keep ' +
      '`payment_hash` and `date`: both are asked back. Rate-limited per client address ' +
      '(PAY_TO_UPLOAD_INVOICES_PER_MINUTE): past it, `success: false` with a Retry-After header.',
    security: [],
  })
  @oneOf(InvoiceIssuedDto, 'The invoice.')
  getInvoice(@Req() req: Request): Promise<IssuedInvoice> {
    return this.payToUpload.issueInvoice(req.ip ?? 'unknown');
  }

  @Post('getSignedUrl')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Whether the invoice is paid',
    description: 'Poll it (every 5 seconds, say) after getInvoice: `{success: true}` once paid.',
    security: [],
  })
  @ApiBody({ type: CheckPaidDto })
  @oneOf(PaidDto, 'Paid.')
  getSignedUrl(@Body() body: unknown): Promise<{ success: true }> {
    return this.payToUpload.checkPaid(body);
  }

  @Post('checkUploadedFile')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload the file paid for',
    description:
      'Multipart: the file (any field name, PDF, JPEG or PNG by content, at most PAY_TO_UPLOAD_MAX_BYTES), ' +
      '`payment_hash` and `date`, in any order. One paid invoice allows one upload. `url` opens the file ' +
      'without credentials for PAY_TO_UPLOAD_LINK_TTL seconds.',
    security: [],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadFormDto })
  @oneOf(UploadedDto, 'Stored.')
  checkUploadedFile(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadedFile> {
    return this.payToUpload.upload(req, res);
  }
}
