import { pgliteBackend } from '../api/harness.js';
import { defineTransportFuzz } from './transport-suite.js';

defineTransportFuzz(pgliteBackend());
