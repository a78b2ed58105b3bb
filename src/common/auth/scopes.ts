export const SCOPES = [
  'receipts:read',
  'receipts:write',
  'bank:read',
  'bank:write',
  'payment-requests:read',
  'payment-requests:write',
  'checkout:read',
  'checkout:write',
  'webhooks:manage',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'receipts:read': 'Read receipts (pièces) and their files',
  'receipts:write': 'Create, update and delete receipts',
  'bank:read': 'Read bank accounts, operations and affectations',
  'bank:write': 'Import statements, manage bank operations and affectations',
  'payment-requests:read': 'Read payment requests and invoice uploads',
  'payment-requests:write': 'Allows creating a new payment request.',
  'checkout:read': 'Read Bitcoin checkout stores and their invoices',
  'checkout:write': 'Manage Bitcoin checkout stores and create their invoices',
  'webhooks:manage': 'Manage webhook endpoints and deliveries',
  admin: "Manage the organization's API keys",
};

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
