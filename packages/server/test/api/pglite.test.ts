import { defineApiSuite } from './api-suite.js';
import { pgliteBackend } from './harness.js';

defineApiSuite(pgliteBackend());
