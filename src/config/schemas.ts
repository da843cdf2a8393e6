/**
 * Everything the package validates with zod at run time, in one module so the published
 * builds can keep it (and zod) out of the entry: see load-schemas.ts. Nothing outside
 * src/config imports a zod schema module directly; it goes through loadSchemas().
 */
export { parseOptions } from './options-schema.js';
export { routingContextSchema } from './context-schema.js';
export { conditionSchemas } from './rule-condition-schema.js';
