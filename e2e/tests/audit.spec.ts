import { expect, test, type Page } from '@playwright/test'
import { PASSWORD } from '../support/env'
import { ApiClient, login, makeUscc, selectOption, uniqueSuffix } from '../support/ui'

/**
 * Independent of the other spec files: the events it looks for are produced here first
 * (through the API, as a second "browser"): 5 failed logins + lockout of a login unique to
 * this run (the server locks unknown logins exactly like known ones, so the test can be
 * repeated against the same server) and an organisation created by `office`.
 */
async function searchAudit(page: Page, opts: { actor?: string; action?: RegExp }): Promise<void> {
  await page.getByTestId('audit-filter-actor').fill(opts.actor ?? '')
  if (opts.action) await selectOption(page, 'audit-filter-action', opts.action)
  const res = page.waitForResponse((r) => r.url().includes('/api/audit?') || r.url().endsWith('/api/audit'))
  await page.getByTestId('audit-search').click()
  expect((await res).status()).toBe(200)
}

test.describe('审计日志', () => {
  test('审计管理员看到登录失败、账号锁定和新建组织，并校验日志完整性', async ({ page }) => {
    // --- produce the events -------------------------------------------------------------
    const victim = `e2e.ghost.${uniqueSuffix().toLowerCase()}`
    const anon = await ApiClient.create()
    for (let i = 1; i <= 5; i++) {
      expect((await anon.login(victim, `Bad@pass${i}`)).status, `failure ${i}`).toBe(401)
    }
    const locked = await anon.login(victim, PASSWORD)
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('account_locked')
    await anon.dispose()

    const office = await ApiClient.create()
    expect((await office.login('office', PASSWORD)).status).toBe(200)
    const orgName = `E2E审计用企业${uniqueSuffix()}`
    const created = await office.post('/api/organizations', {
      kind: 'enterprise', name: orgName, uscc: makeUscc('91320200').valid, province_code: '320000',
      city: '无锡市', address: null, postal_code: null, contact_name: '王工', contact_phone: '13900139000',
      contact_email: 'wang@example.com', university_type: null, university_nature: null,
      srdi_level: 'little_giant', field: null,
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    await office.dispose()

    // --- the auditor looks at them --------------------------------------------------------
    await login(page, 'auditor')
    await expect(page.getByTestId('nav-audit')).toHaveText('审计日志')
    await page.getByTestId('nav-audit').click()
    await expect(page).toHaveURL(/\/audit$/)
    const table = page.getByTestId('audit-table')
    const rows = table.locator('tbody tr')

    // Everything about the victim: 5 failed logins, the lockout, the refused 6th attempt.
    await searchAudit(page, { actor: victim })
    await expect(rows.filter({ hasText: '登录失败' })).toHaveCount(6)
    await expect(rows.filter({ hasText: '账号锁定' })).toHaveCount(1)
    await expect(rows.filter({ hasText: '登录失败' }).first()).toContainText('失败')

    // Only the lockout, by action.
    await searchAudit(page, { actor: victim, action: /auth\.lockout/ })
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toContainText('账号锁定')
    await expect(rows.first()).toContainText(victim)

    // The office's organisation creation.
    await searchAudit(page, { actor: 'office', action: /org\.create/ })
    const orgRow = rows.filter({ hasText: orgName })
    await expect(orgRow).toHaveCount(1)
    await expect(orgRow).toContainText('新建组织')
    await expect(orgRow).toContainText('成功')

    // The hash chain is intact.
    await page.getByTestId('audit-verify').click()
    const result = page.getByTestId('audit-verify-result')
    await expect(result).toBeVisible()
    await expect(result).toContainText('校验通过')
    await expect(result).toContainText('完整')
  })

  test('非审计管理员看不到审计日志', async ({ page }) => {
    await login(page, 'office')
    await expect(page.getByTestId('nav-home')).toBeVisible()
    await expect(page.getByTestId('nav-audit')).toHaveCount(0)
    await page.goto('/audit')
    await expect(page).toHaveURL(/\/forbidden$/)
  })
})
