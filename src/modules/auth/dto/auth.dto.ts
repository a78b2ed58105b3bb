import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { SCOPES } from '../../../common/auth/scopes.js';
import type { Scope } from '../../../common/auth/scopes.js';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Boulangerie Dupont SARL', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;
}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'receipt uploader script', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['receipts:read', 'receipts:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];

  @ApiPropertyOptional({ format: 'date-time', description: 'The key stops working at this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/i, { message: 'expiresAt must end with a time zone: Z or ±hh:mm' })
  expiresAt?: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'pk_Ab3dE5gH', description: 'First characters of the key, to tell keys apart' })
  prefix: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown this once only: store it now.' })
  key: string;
}

export class CreatedOrganizationDto {
  @ApiProperty({ type: OrganizationDto })
  organization: OrganizationDto;

  @ApiProperty({ type: CreatedApiKeyDto, description: "The organization's first admin key, shown once" })
  apiKey: CreatedApiKeyDto;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  data: ApiKeyDto[];
}
