/**
 * Permissions are `resource:action` scopes derived from one constant map (after n8n's
 * permissions package); roles are lists of scopes. Every route names the scope it needs.
 */
export const RESOURCES = {
  part: ['read', 'write'],
  masterdata: ['propose', 'approve'],
  location: ['read', 'write'],
  stock: ['read', 'move', 'adjust', 'count'],
  reservation: ['read', 'create', 'release'],
  kit: ['read', 'write'],
  workorder: ['read', 'create', 'complete', 'approve', 'approve_manager'],
  planning: ['read', 'write'],
  policy: ['read', 'write'],
  audit: ['read', 'verify'],
  event: ['read'],
  // The service KPIs: every role sees how the service is doing.
  kpi: ['read'],
  integration: ['read', 'write', 'send', 'operate'],
  apikey: ['read', 'manage'],
  tenant: ['manage'],
} as const;

type Resources = typeof RESOURCES;
export type Permission = {
  [R in keyof Resources]: `${R}:${Resources[R][number]}`;
}[keyof Resources];

export const ALL_PERMISSIONS: readonly Permission[] = Object.entries(RESOURCES).flatMap(
  ([resource, actions]) =>
    (actions as readonly string[]).map((action) => `${resource}:${action}` as Permission),
);

export const ROLES = [
  'admin',
  'integration_admin',
  'planner',
  'dispatcher',
  'technician',
  'auditor',
  'read_only',
] as const;
export type Role = (typeof ROLES)[number];

const READ_MASTER: Permission[] = ['part:read', 'location:read', 'kpi:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ALL_PERMISSIONS,
  // Connectors post receipts, issues, transfers and warehouse adjustments for the systems they speak for.
  integration_admin: [
    ...READ_MASTER,
    'kit:read',
    'part:write',
    'masterdata:propose',
    'location:write',
    'stock:read',
    'stock:move',
    'stock:adjust',
    'reservation:read',
    'reservation:create',
    'reservation:release',
    'workorder:read',
    'workorder:create',
    'workorder:complete',
    'planning:read',
    'planning:write',
    'policy:read',
    'event:read',
    'integration:read',
    'integration:write',
    'integration:send',
    'integration:operate',
  ],
  planner: [
    ...READ_MASTER,
    'kit:read',
    'kit:write',
    'part:write',
    'masterdata:propose',
    'stock:read',
    'stock:adjust',
    'stock:count',
    'reservation:read',
    'reservation:create',
    'reservation:release',
    'workorder:read',
    'workorder:create',
    // Planners hold the parts budget: they approve at any level.
    'workorder:approve',
    'workorder:approve_manager',
    'planning:read',
    'planning:write',
    'policy:read',
    'policy:write',
  ],
  dispatcher: [
    ...READ_MASTER,
    // Dispatchers build kits for the jobs they dispatch, and break those no longer needed.
    'kit:read',
    'kit:write',
    'stock:read',
    'reservation:read',
    'reservation:create',
    'reservation:release',
    'workorder:read',
    'workorder:create',
    'workorder:complete',
    // Dispatchers supervise technicians: they approve up to the supervisor's limit.
    'workorder:approve',
    'planning:read',
    'policy:read',
  ],
  // Technicians issue parts from their van and report what they count there.
  technician: [
    ...READ_MASTER,
    'kit:read',
    'stock:read',
    'stock:move',
    'stock:count',
    'reservation:read',
    'workorder:read',
    'workorder:complete',
  ],
  auditor: [
    ...READ_MASTER,
    'kit:read',
    'stock:read',
    'reservation:read',
    'workorder:read',
    'planning:read',
    'policy:read',
    'audit:read',
    'audit:verify',
    'event:read',
    'apikey:read',
    'integration:read',
  ],
  read_only: [
    ...READ_MASTER,
    'kit:read',
    'stock:read',
    'reservation:read',
    'workorder:read',
    'planning:read',
  ],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
