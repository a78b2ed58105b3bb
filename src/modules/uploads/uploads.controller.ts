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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import {
  ConfirmUploadDto,
  FileUrlDto,
  MessageDto,
  PresignedUploadDto,
  PresignUploadDto,
  UploadPageDto,
  UUID_PATTERN,
} from './dto/upload.dto.js';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { SeedUuidPipe } from './seed-uuid.pipe.js';
import { UploadsService, type Presigned } from './uploads.service.js';

const SCOPE = 'payment-requests:write';
const READ_SCOPE = 'payment-requests:read';

/**
 * Seed 001: invoice uploads straight to object storage. Attaching one (POST :uploadId/attach/...) is the
 * payment requests' route: payment-requests/payment-request-invoice.controller.ts.
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
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Get()
  @RequireScopes(READ_SCOPE)
  @ApiSecurity('oauth2', [READ_SCOPE])
  @ApiOperation({
    summary: "List the organization's uploads",
    description:
      'Every upload, oldest first, a page at a time (`next_cursor`): presigned (pending), confirmed, ' +
      'attached, and the files paid for through GET /getInvoice and sent to POST /checkUploadedFile ' +
      '(confirmed, never expiring, kept until deleted: their payer holds a link). A confirmed upload is ' +
      'usable as `receipt_upload_id` on POST /invoice; the receipt takes a copy, and a paid-for file stays.',
  })
  @ApiOkResponse({ type: UploadPageDto })
  async list(@OrganizationId() organizationId: string, @Query() query: PageQueryDto): Promise<UploadPageDto> {
    const { rows, nextCursor } = await this.uploads.list(organizationId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      data: rows.map((u) => ({
        id: u.id,
        status: u.status,
        filename: u.fileName,
        mimeType: u.contentType ?? u.declaredType,
        size: Number(u.size),
        sha256: u.sha256,
        expiresAt: u.expiresAt?.toISOString() ?? null,
        createdAt: u.createdAt.toISOString(),
      })),
      has_more: nextCursor !== null,
      next_cursor: nextCursor,
    };
  }

  @Post('presign')
  @HttpCode(200)
  @RequireScopes(SCOPE)
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Generate presigned URL for file upload' })
  @ApiOkResponse({ type: PresignedUploadDto })
  async presign(
    @OrganizationId() organizationId: string,
    @Body() body: PresignUploadDto,
    @Req() req: Request,
  ): Promise<PresignedUploadDto> {
    return this.uploads.presign(
      organizationId,
      body,
      storeWithWrite(req, (presigned: Presigned) => presigned),
    );
  }

  @Post(':uploadId/confirm')
  @HttpCode(200)
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Confirm upload completion' })
  @ApiParam({ name: 'uploadId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: MessageDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'UPLOAD_INCOMPLETE: nothing was uploaded yet' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: 'SIZE_MISMATCH, TYPE_MISMATCH or CHECKSUM_MISMATCH: the object is deleted',
  })
  async confirm(
    @OrganizationId() organizationId: string,
    @Param('uploadId', SeedUuidPipe) uploadId: string,
    @Body() body: ConfirmUploadDto,
  ): Promise<MessageDto> {
    const { alreadyConfirmed } = await this.uploads.confirm(organizationId, uploadId, body.sha256);
    return { message: alreadyConfirmed ? 'Upload already confirmed' : 'Upload confirmed' };
  }

  @Get(':uploadId/preview-url')
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Generate preview URL for uploaded file' })
  @ApiParam({ name: 'uploadId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiOkResponse({ type: FileUrlDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'UPLOAD_NOT_CONFIRMED' })
  previewUrl(
    @OrganizationId() organizationId: string,
    @Param('uploadId', SeedUuidPipe) uploadId: string,
  ): Promise<FileUrlDto> {
    return this.uploads.previewUrl(organizationId, uploadId);
  }

  @Delete(':uploadId')
  @HttpCode(204)
  @RequireScopes(SCOPE)
  @ApiOperation({ summary: 'Delete temporary upload' })
  @ApiParam({ name: 'uploadId', schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'UPLOAD_ATTACHED: attached uploads are kept' })
  async delete(@OrganizationId() organizationId: string, @Param('uploadId', SeedUuidPipe) uploadId: string) {
    await this.uploads.delete(organizationId, uploadId);
  }
}
