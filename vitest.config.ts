import { defineConfig } from 'vitest/config';

// One runner for everything: unit tests beside the code, end-to-end specs in e2e/.
export default defineConfig({
  test: {
    include: ['{common,optim,native,models,kernels,main,electron,scripts}/**/*.test.ts', 'renderer/src/**/*.test.ts', 'e2e/**/*.e2e.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
