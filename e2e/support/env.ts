/** Shared constants of the suite (imported by the config, the global setup and the tests). */
import path from 'node:path'

export const E2E_DIR = path.resolve(__dirname, '..')
export const REPO_DIR = path.resolve(E2E_DIR, '..')

/** Password of every demo account and of the accounts the global setup creates. */
export const PASSWORD = 'Chanjiao@2026'

/**
 * Extra accounts created by the global setup with `chanjiao admin create-user` (besides the
 * demo accounts), so a test's logins and drafts don't share state with other tests.
 */
export const EXTRA_USERS = [
  // Used by the session-expiry test, so its re-login does not touch `office`'s sessions.
  { login: 'e2e.office', name: '项目办（端到端）', role: 'office', org: '工业和信息化部中小企业发展促进中心（演示）' },
] as const

/** Preferred port; when it is taken the setup picks any free one. */
export const PREFERRED_PORT = Number(process.env.E2E_PORT || 18765)

/** Set by the global setup before the workers start; workers inherit it. */
export function baseURL(): string {
  const u = process.env.E2E_BASE_URL
  if (!u) throw new Error('E2E_BASE_URL is not set: the global setup did not run')
  return u
}
