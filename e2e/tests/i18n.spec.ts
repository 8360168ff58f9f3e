import { expect, test } from '@playwright/test'
import { login } from '../support/ui'

test.describe('界面语言', () => {
  test('切换到 English 后菜单变为英文，刷新后保持，可切回中文', async ({ page }) => {
    await login(page, 'office')
    await expect(page.getByTestId('nav-home')).toHaveText('首页')
    await expect(page.getByTestId('nav-organizations')).toHaveText('组织管理')
    await expect(page.getByTestId('nav-profile')).toHaveText('个人中心')

    await page.getByTestId('lang-en').click()
    await expect(page.getByTestId('nav-home')).toHaveText('Home')
    await expect(page.getByTestId('nav-organizations')).toHaveText('Organisations')
    await expect(page.getByTestId('nav-profile')).toHaveText('My profile')
    await expect(page.getByTestId('logout')).toContainText('Log out')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')

    // The choice is remembered by the browser.
    await page.reload()
    await expect(page.getByTestId('nav-organizations')).toHaveText('Organisations')

    await page.getByTestId('lang-zh').click()
    await expect(page.getByTestId('nav-organizations')).toHaveText('组织管理')
    await expect(page.getByTestId('nav-home')).toHaveText('首页')
  })
})
