import type { ApiKeyDto, CreatedApiKeyDto, OrganizationDto } from './dto/auth.dto.js';
import type { ApiKey } from './api-key.entity.js';
import type { IssuedKey } from './api-keys.service.js';
import type { Organization } from './organization.entity.js';

export function presentApiKey(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
  };
}

export function presentIssuedKey(issued: IssuedKey): CreatedApiKeyDto {
  return { ...presentApiKey(issued.apiKey), key: issued.secret };
}

export function presentOrganization(organization: Organization): OrganizationDto {
  return { id: organization.id, name: organization.name, createdAt: organization.createdAt.toISOString() };
}
