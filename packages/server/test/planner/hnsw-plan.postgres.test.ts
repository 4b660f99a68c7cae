import { describe } from 'vitest';
import { postgresBackend, postgresUrl } from '../store/backends.js';
import { planSizes } from './hnsw-plan.js';
import { definePlanSuite } from './plan-suite.js';

const url = postgresUrl();

describe.skipIf(!url)(
  `search plans (PostgreSQL)${url ? '' : ' — skipped: FTF_TEST_DATABASE_URL is not set (see .ci/pg-cluster.sh)'}`,
  () => definePlanSuite(postgresBackend(url as string), planSizes('postgres')),
);

describe.skipIf(!url)('search plans (PostgreSQL, halfvec index)', () =>
  definePlanSuite(postgresBackend(url as string), [1_000, 20_000], 'halfvec'),
);
