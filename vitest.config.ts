import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Model-loading and browser tests are slow on 2 cores:
// generous timeouts, files in parallel but capped so ONNX sessions don't fight for the CPU.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['scripts/generate-test-models.ts'],
  },
});
