import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types.js';
import { WEBHOOK_URL_MAX_LENGTH } from '../webhook-url.js';

const EVENTS_DESCRIPTION =
  'Event types to receive; every type when absent or empty. An unknown type is refused (422).';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://example.com/hooks/pieces',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description:
      'http or https, without user name or password. Its host must resolve to a public address, checked ' +
      'now and on every delivery.',
  })
  @Trim()
  @IsString()
  @Length(1, WEBHOOK_URL_MAX_LENGTH)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: EVENTS_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  enabled?: boolean;
}

/**
 * Every field optional; `description: null` clears it. Absent (undefined) skips a field's rules, null
 * does not (IsOptional would let null through to the database).
 */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: WEBHOOK_URL_MAX_LENGTH })
  @ValidateIf((_, value) => value !== undefined)
  @Trim()
  @IsString()
  @Length(1, WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: EVENTS_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://example.com/hooks/pieces' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Empty: every type' })
  events: string[];

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** Only in the responses that issue a secret: creation and rotation. */
export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Shown only in this response: keep it to verify signatures. `whsec_` + base64 of 32 bytes.',
  })
  secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] })
  data: WebhookDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class WebhookTestDto {
  @ApiProperty({ format: 'uuid', description: 'The event id: the webhook-id header the test arrives with' })
  eventId: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The webhook-id header: the same on every attempt' })
  eventId: string;

  @ApiProperty({ example: 'payment_request.paid' })
  eventType: string;

  @ApiProperty({ description: '1 for the first attempt of a series' })
  attempt: number;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The delivery a redelivery was asked for',
  })
  redeliveryOf: string | null;

  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null: no response (refused, error, timeout)' })
  responseStatus: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first 4 KB of the response body' })
  responseBody: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: Number, nullable: true })
  durationMs: number | null;

  @ApiProperty({ format: 'date-time' })
  scheduledAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  attemptedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'After a failure with retries left: when the next attempt runs',
  })
  nextAttemptAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  data: WebhookDeliveryDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}
