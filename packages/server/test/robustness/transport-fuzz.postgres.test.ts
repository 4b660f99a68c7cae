import { describe, it } from 'vitest';
import { postgresBackend, postgresUrl } from '../api/harness.js';
import { defineTransportFuzz } from './transport-suite.js';

const url = postgresUrl();

if (url) defineTransportFuzz(postgresBackend(url));
else {
  describe('transport fuzz (postgres)', () => {
    it.skip('skipped: FTF_TEST_DATABASE_URL is not set (start one with bash .ci/pg-cluster.sh start)', () => {});
  });
}
