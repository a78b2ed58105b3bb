import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { UPLOAD_ALLOWED_TYPES, UPLOAD_MAX_SIZE } from '../upload-types.js';

const UUID_PATTERN =
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$';

export class PresignUploadDto {
  @ApiProperty({ minLength: 1, maxLength: 255, example: 'facture-042.pdf' })
  @IsString()
  @Length(1, 255)
  filename: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'application/pdf', enum: UPLOAD_ALLOWED_TYPES })
  @IsString()
  @Length(1, 100)
  mimeType: string;

  @ApiProperty({ maximum: UPLOAD_MAX_SIZE, minimum: 1, example: 48213, description: 'Exact size in bytes' })
  @IsInt()
  @Min(1)
  @Max(UPLOAD_MAX_SIZE)
  size: number;
}

export class PresignedUploadDto {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN })
  uploadId: string;

  @ApiProperty({ enum: ['PUT'] })
  method: 'PUT';

  @ApiProperty({
    format: 'uri',
    description: 'PUT the file here with Content-Type and Content-Length as declared',
  })
  url: string;

  @ApiProperty({ example: 900 })
  expiresInSeconds: number;

  @ApiProperty({ example: UPLOAD_MAX_SIZE })
  maxSize: number;

  @ApiProperty({ type: [String], example: UPLOAD_ALLOWED_TYPES })
  allowedTypes: string[];

  @ApiProperty({
    example: 'uploads/9b2e…/4f1c…/facture-042.pdf',
    description:
      'The bucket key the URL writes to. Confirm keeps a checked copy under another key, so nothing PUT here afterwards changes the confirmed file',
  })
  s3Key: string;
}

export class ConfirmUploadDto {
  @ApiProperty({ minLength: 64, maxLength: 64, description: 'Hex sha256 of the uploaded bytes' })
  @IsString()
  @Length(64, 64)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be 64 hexadecimal characters' })
  sha256: string;
}

export class MessageDto {
  @ApiProperty({ example: 'Upload confirmed' })
  message: string;
}

export class FileUrlDto {
  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ example: 300 })
  expiresInSeconds: number;

  @ApiProperty({ example: 'facture-042.pdf' })
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  mimeType: string;
}

export { UUID_PATTERN };

/** One upload of the organization, as GET /api/v1/invoice-uploads lists it. */
export class UploadSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending', 'confirmed', 'attached'] })
  status: string;

  @ApiProperty({ example: 'facture-042.pdf' })
  filename: string;

  @ApiProperty({
    example: 'application/pdf',
    description: 'Found in the content once confirmed, else declared',
  })
  mimeType: string;

  @ApiProperty({ example: 48213 })
  size: number;

  @ApiProperty({ type: String, nullable: true, description: 'sha256 of the content, once confirmed' })
  sha256: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null: kept until deleted' })
  expiresAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class UploadPageDto {
  @ApiProperty({ type: [UploadSummaryDto] })
  data: UploadSummaryDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
