import { defineConfig } from '@playwright/test'

/**
 * Browser tests against the real `chanjiao` binary (started by global-setup.ts) with the
 * system Chromium (Debian `chromium`; never downloaded). One worker: the tests share one
 * server and some of them (lockout, audit) write global state.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 45_000,
  // A hang guard only: the suite takes 2.5–3 minutes on an idle 2-core machine, about twice that
  // on a loaded one.
  globalTimeout: Number(process.env.E2E_GLOBAL_TIMEOUT_MS || 600_000),
  expect: { timeout: 8_000 },
  outputDir: './test-results',
  use: {
    // Set by the global setup before the workers start (the port may differ from 18765).
    baseURL: process.env.E2E_BASE_URL,
    browserName: 'chromium',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
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
})
