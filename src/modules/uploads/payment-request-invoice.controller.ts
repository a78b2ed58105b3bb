import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { FileUrlDto, MessageDto, UUID_PATTERN } from './dto/upload.dto.js';
import { SeedUuidPipe } from './seed-uuid.pipe.js';
import { UploadsService } from './uploads.service.js';

const SCOPE = 'payment-requests:write';

/** Seed 001's two routes addressed by payment request: its invoice URL, and attaching an upload to it. */
@ApiTags('Invoice Uploads (seed 001)')
@ApiBearerAuth('api-key')
@ApiSecurity('oauth2', [SCOPE])
@ApiNotFoundResponse({ type: ErrorBodyDto })
@ApiBadRequestResponse({ type: ErrorBodyDto })
@Controller('api/v1')
export class PaymentRequestInvoiceController {
  constructor(private readonly uploads: UploadsService) {}

  @Get(':id/invoice/url')
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Get invoice URL for payment request' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: FileUrlDto })
  invoiceUrl(
    @OrganizationId() organizationId: string,
    @Param('id', SeedUuidPipe) id: string,
  ): Promise<FileUrlDto> {
    return this.uploads.invoiceUrl(organizationId, id);
  }

  @Post(':id/invoice/attach/:uploadId')
  @HttpCode(200)
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Attach invoice to existing payment request' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiParam({ name: 'uploadId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: MessageDto })
  async attach(
    @OrganizationId() organizationId: string,
    @Param('id', SeedUuidPipe) id: string,
    @Param('uploadId', SeedUuidPipe) uploadId: string,
  ): Promise<MessageDto> {
    await this.uploads.attach(organizationId, uploadId, id);
    return { message: 'Invoice attached to payment request' };
  }
}
