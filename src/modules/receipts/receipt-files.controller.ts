import { pipeline } from 'node:stream/promises';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { safeFileHeaders } from '../../common/files/content-disposition.js';
import { AllowSignedUrl } from '../../storage/signed-url.decorator.js';
import { RECEIPT_KEY_AREA } from './receipt-file.js';
import { ReceiptsService } from './receipts.service.js';

/** Serves a receipt's file at its seed 002 `receipt_path`. */
@ApiTags('Receipts (seed 002: /invoice)')
@ApiBearerAuth('api-key')
@Controller('storage')
export class ReceiptFilesController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Get(`${RECEIPT_KEY_AREA}/:file`)
  @RequireScopes('receipts:read')
  @AllowSignedUrl()
  @ApiOperation({
    summary: "A receipt's file: for a caller of its organization, or through its signed `receipt_url`",
  })
  @ApiQuery({ name: 'expires', required: false })
  @ApiQuery({ name: 'signature', required: false })
  @ApiQuery({ name: 'download', required: false, description: '1: as an attachment rather than inline' })
  @ApiOkResponse({ description: 'The file, with its sniffed type' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async download(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const key = `${RECEIPT_KEY_AREA}/${file}`;
    // Without a principal, the guard let the request in on a valid signature for this exact path.
    const access = req.principal
      ? { organizationId: req.principal.organizationId }
      : { signedUrl: true as const };
    const { receipt, object } = await this.receipts.openFile(key, access);
    res.set(
      safeFileHeaders({
        mimeType: receipt.receiptMimeType ?? 'application/octet-stream',
        size: object.size,
        fileName: receipt.receiptOriginalName ?? file,
        disposition: req.query.download === '1' ? 'attachment' : 'inline',
      }),
    );
    await pipeline(object.stream, res);
  }
}
