import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig, devices } from '@playwright/test'

/**
 * End-to-end tests against the real server: test/e2e/start-server.sh builds the UI, makes a fresh
 * SQLite database, migrates, seeds the demo organisation and serves it. One worker, in order,
 * because the tests share that database.
 */

/** The first port from `start` that nothing listens on (checked in a child process: config must be sync). */
function freePort(start: number): number {
  const script = `
    const net = require('node:net')
    const attempt = (port, left) => {
      const server = net.createServer()
      server.once('error', () => (left > 0 ? attempt(port + 1, left - 1) : process.exit(1)))
      server.listen(port, '127.0.0.1', () => server.close(() => process.stdout.write(String(port))))
    }
    attempt(${start}, 100)`
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

// Chosen once by the runner; its workers inherit the environment, so they agree on both.
process.env.ROUNDS_E2E_PORT ??= String(freePort(3100 + (process.pid % 700)))
process.env.ROUNDS_E2E_DIR ??= mkdtempSync(join(tmpdir(), 'rounds-e2e-'))

const port = Number(process.env.ROUNDS_E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`
const ci = Boolean(process.env.CI)

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: ci,
  retries: 0,
  // Generous: a busy machine slows the server and the browser alike; a real failure still fails.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: ci ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'bash test/e2e/start-server.sh',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: { PORT: String(port), ROUNDS_E2E_DIR: process.env.ROUNDS_E2E_DIR },
  },
})
