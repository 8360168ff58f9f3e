import { expect, test } from '@playwright/test'
import { PASSWORD } from '../support/env'
import { login, makeUscc, selectOption, submitLogin, uniqueSuffix } from '../support/ui'

test.describe('会话超时', () => {
  test('新建组织对话框打开时会话失效，重新登录后已填内容仍在', async ({ page, context }) => {
    const name = `E2E超时测试学院${uniqueSuffix()}`
    const uscc = makeUscc()

    await login(page, 'e2e.office')
    await page.getByTestId('nav-organizations').click()
    await page.getByTestId('org-new').click()
    await expect(page.getByTestId('org-dialog')).toBeVisible()
    await selectOption(page, 'org-kind', '高校')
    await page.getByTestId('org-name').fill(name)
    await page.getByTestId('org-uscc').fill(uscc.valid)
    await selectOption(page, 'org-province', '浙江省')
    await page.getByTestId('org-city').fill('杭州市')
    await page.getByTestId('org-contact-name').fill('赵老师')
    await page.getByTestId('org-contact-phone').fill('0571-88880000')
    await page.getByTestId('org-contact-email').fill('zhao@example.edu.cn')
    await selectOption(page, 'org-university-type', '高等职业院校')
    await selectOption(page, 'org-university-nature', '民办')

    // The session ends behind the page's back.
    await context.clearCookies({ name: 'chanjiao_session' })
    expect((await context.cookies()).map((c) => c.name)).not.toContain('chanjiao_session')

    // Saving now meets a 401: the app sends the user to the login page, saying why.
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/organizations') && r.request().method() === 'POST')
    await page.getByTestId('org-save').click()
    expect((await refused).status()).toBe(401)
    await expect(page).toHaveURL(/\/login\?.*reason=expired/)
    await expect(page.getByTestId('login-notice')).toContainText('登录已超时')

    // Log in again: back on the list, the dialog reopens with the draft.
    expect(await submitLogin(page, 'e2e.office', PASSWORD)).toBe(200)
    await expect(page).toHaveURL(/\/organizations$/)
    const dialog = page.getByTestId('org-dialog')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('draft-restored')).toBeVisible()
    await expect(page.getByTestId('org-kind')).toContainText('高校')
    await expect(page.getByTestId('org-name')).toHaveValue(name)
    await expect(page.getByTestId('org-uscc')).toHaveValue(uscc.valid)
    await expect(page.getByTestId('org-province')).toContainText('浙江省')
    await expect(page.getByTestId('org-city')).toHaveValue('杭州市')
    await expect(page.getByTestId('org-contact-name')).toHaveValue('赵老师')
    await expect(page.getByTestId('org-contact-phone')).toHaveValue('0571-88880000')
    await expect(page.getByTestId('org-contact-email')).toHaveValue('zhao@example.edu.cn')
    await expect(page.getByTestId('org-university-type')).toContainText('高等职业院校')
    await expect(page.getByTestId('org-university-nature')).toContainText('民办')

    // And it saves.
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/organizations') && r.request().method() === 'POST')
    await page.getByTestId('org-save').click()
    expect((await saved).status()).toBe(201)
    await expect(dialog).toBeHidden()
    await page.getByTestId('org-filter-q').fill(name)
    await page.getByTestId('org-search').click()
    await expect(page.getByTestId('org-table').locator('tbody tr')).toHaveCount(1)
    await expect(page.getByTestId('org-table')).toContainText(name)
  })
})
