export {
  createPart,
  createParts,
  requirePart,
  getPart,
  partsByIds,
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
