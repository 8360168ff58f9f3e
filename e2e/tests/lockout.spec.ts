import { expect, test } from '@playwright/test'
import { PASSWORD } from '../support/env'
import { submitLogin } from '../support/ui'

test.describe('登录锁定', () => {
  test('连续 5 次密码错误后账号被锁定，正确密码也被拒绝', async ({ page }) => {
    await page.goto('/login')
    await expect(page.getByTestId('login-submit')).toBeVisible()

    for (let i = 1; i <= 5; i++) {
      const status = await submitLogin(page, 'jiangnan.staff', `Wrong@pass${i}`)
      expect(status, `attempt ${i}`).toBe(401)
      await expect(page.getByTestId('login-error')).toHaveText('登录名或密码错误')
      // The password box is emptied after a failure; the login stays.
      await expect(page.getByTestId('login-password')).toHaveValue('')
      await expect(page.getByTestId('login-login')).toHaveValue('jiangnan.staff')
      await expect(page).toHaveURL(/\/login/)
    }

    // Sixth attempt with the right password: refused because of the lockout.
    const status = await submitLogin(page, 'jiangnan.staff', PASSWORD)
    expect(status).toBe(429)
    await expect(page.getByTestId('login-error')).toContainText('锁定')
    await expect(page).toHaveURL(/\/login/)
    await expect(page.getByTestId('header-user')).toHaveCount(0)
  })
})
