export {
  createPart,
  createParts,
  requirePart,
  partFromRow,
  type PartColumns,
  partNotFound,
  getPart,
  partsByIds,
  partsByNumbers,
  listParts,
  countParts,
} from './catalog.service.js';
export {
  createPartSchema,
  partSchema,
  listPartsQuerySchema,
  partNumberSchema,
  PART_TRACKING,
  type Part,
  type PartTracking,
  type CreatePartInput,
} from './catalog.schemas.js';
export { registerCatalogRoutes } from './catalog.routes.js';
export { registerReferenceRoutes } from './references.routes.js';
export {
  resolveNumber,
  addXref,
  listXrefs,
  listConflicts,
  listSchemes,
  saveScheme,
  INTERNAL_SCHEME,
} from './xrefs.service.js';
export {
  addSupersession,
  removeSupersession,
  addSubstitute,
  listSubstitutes,
  supersessionLinks,
  loadChain,
  partStandIns,
  type PartStandIn,
} from './supersession.service.js';
export { addConversion, listConversions, convertToBase, BUILT_IN_CONVERSIONS } from './uom.service.js';
export { normalizeNumber, type NormalizationRules } from './normalization.js';
export { resolveCurrent, checkNewLink, interchangeableWith, type SupersessionLink } from './supersession.js';
export { conversionFactor, applyFactor, type Conversion } from './uom.js';
export type {
  Scheme,
  Xref,
  XrefConflict,
  Resolution,
  Supersession,
  Substitute,
} from './references.schemas.js';
export {
  importCsv,
  exportCsv,
  IMPORT_KINDS,
  type ImportKind,
  type ImportSummary,
  type Reject,
  runImportJob,
  listImportJobs,
  requireImportJob,
  markInterruptedImports,
  registerImportRoutes,
  type ImportJob,
} from './import/index.js';
export { registerGovernanceRoutes } from './governance.routes.js';
export {
  updatePartAttributes,
  partAttributes,
  proposeChange,
  decideChange,
  applyDueChanges,
  listChangeRequests,
  putOwnershipRule,
  listOwnershipRules,
  putTaxonomy,
  listTaxonomies,
  createFreezeWindow,
  partCosts,
} from './governance.service.js';
export { routeUpdate, survivingValue, decideTiming } from './governance.js';
