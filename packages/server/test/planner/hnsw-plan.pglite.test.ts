import { pgliteBackend } from '../store/backends.js';
import { planSizes } from './hnsw-plan.js';
import { definePlanSuite } from './plan-suite.js';

definePlanSuite(pgliteBackend(), planSizes('pglite'));
definePlanSuite(pgliteBackend(), [1_000], 'halfvec');
