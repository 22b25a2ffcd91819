import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Generous: the CLI and crash tests start real processes, which is slow on a busy machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
