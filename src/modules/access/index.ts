export {
  ROLES,
  ROLE_PERMISSIONS,
  ALL_PERMISSIONS,
  isRole,
  roleAllows,
  type Role,
  type Permission,
} from './permissions.js';
export {
  DEFAULT_TENANT_CODE,
  ensureDefaultTenant,
  createTenant,
  listTenants,
  findTenantByCode,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  registerAdminKey,
  createAuthenticator,
  actorFor,
  hashApiKey,
  type Tenant,
  type ApiKeyInfo,
  type Principal,
} from './access.service.js';
export { registerAccessRoutes } from './access.routes.js';
