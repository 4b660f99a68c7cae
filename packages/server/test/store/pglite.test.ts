import { describe } from 'vitest';
import { pgliteBackend } from './backends.js';
import { defineStoreSuite } from './store-suite.js';

describe('store (PGlite)', () => {
  defineStoreSuite(pgliteBackend());
});
