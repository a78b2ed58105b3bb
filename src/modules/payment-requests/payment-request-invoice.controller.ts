import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { FileUrlDto, MessageDto, UUID_PATTERN } from '../uploads/dto/upload.dto.js';
import { SeedUuidPipe } from '../uploads/seed-uuid.pipe.js';
import { PaymentRequestsService } from './payment-requests.service.js';

const SCOPE = 'payment-requests:write';
const ATTACHED = 'Invoice attached to payment request';

/** Seed 001's two routes addressed by payment request: its invoice URL, and attaching an upload to it. */
@ApiTags('Invoice Uploads (seed 001)')
@ApiBearerAuth('api-key')
@ApiSecurity('oauth2', [SCOPE])
@ApiNotFoundResponse({ type: ErrorBodyDto })
@ApiBadRequestResponse({ type: ErrorBodyDto })
@Controller('api/v1')
export class PaymentRequestInvoiceController {
  constructor(private readonly requests: PaymentRequestsService) {}

  @Get(':id/invoice/url')
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Get invoice URL for payment request' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: FileUrlDto })
  invoiceUrl(
    @OrganizationId() organizationId: string,
    @Param('id', SeedUuidPipe) id: string,
  ): Promise<FileUrlDto> {
    return this.requests.invoiceUrl(organizationId, id);
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
    await this.requests.attachInvoice(organizationId, id, uploadId);
    return { message: ATTACHED };
  }
}

/**
 * Seed 001's other way to attach, addressed by upload. It sits with the uploads' routes in the spec, but
 * attaching is the payment request's business: the uploads module knows nothing of payment requests.
 */
@ApiTags('Invoice Uploads (seed 001)')
@ApiBearerAuth('api-key')
@ApiSecurity('oauth2', [SCOPE])
@ApiNotFoundResponse({ type: ErrorBodyDto })
@ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: 'INVALID_UUID: a path id does not match the pattern',
})
@Controller('api/v1/invoice-uploads')
export class UploadAttachController {
  constructor(private readonly requests: PaymentRequestsService) {}

  @Post(':uploadId/attach/:paymentRequestId')
  @HttpCode(200)
  @RequireScopes(SCOPE)
  // The operationId it had while in the uploads' controller: generated clients keep their method name.
  @ApiOperation({ summary: 'Attach invoice to payment request', operationId: 'UploadsController_attach' })
  @ApiParam({ name: 'uploadId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiParam({ name: 'paymentRequestId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: MessageDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'UPLOAD_NOT_CONFIRMED or UPLOAD_ATTACHED (elsewhere)',
  })
  async attach(
    @OrganizationId() organizationId: string,
    @Param('uploadId', SeedUuidPipe) uploadId: string,
    @Param('paymentRequestId', SeedUuidPipe) paymentRequestId: string,
  ): Promise<MessageDto> {
    await this.requests.attachInvoice(organizationId, paymentRequestId, uploadId);
    return { message: ATTACHED };
  }
}
