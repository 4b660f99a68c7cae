import { describe, it } from 'vitest';
import { defineApiSuite } from './api-suite.js';
import { postgresBackend, postgresUrl } from './harness.js';

const url = postgresUrl();

if (url) defineApiSuite(postgresBackend(url));
else {
  describe('API (postgres)', () => {
    it.skip('skipped: FTF_TEST_DATABASE_URL is not set (start one with bash .ci/pg-cluster.sh start)', () => {});
  });
}
