import { expect, test } from '@playwright/test'
import { fieldError, login, makeUscc, selectOption, uniqueSuffix } from '../support/ui'

test.describe('组织管理', () => {
  test('新建高校：校验位错误显示在字段旁且不丢失输入，改正后保存成功', async ({ page }) => {
    const name = `E2E产教融合学院${uniqueSuffix()}`
    const uscc = makeUscc()

    await login(page, 'office')
    await page.getByTestId('nav-organizations').click()
    await expect(page).toHaveURL(/\/organizations$/)
    await expect(page.getByTestId('nav-organizations')).toHaveText('组织管理')

    await page.getByTestId('org-new').click()
    const dialog = page.getByTestId('org-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText('新建组织')

    await selectOption(page, 'org-kind', '高校')
    await page.getByTestId('org-name').fill(name)
    await page.getByTestId('org-uscc').fill(uscc.wrong)
    // Field messages take their own line (they move the controls below them), so let the
    // blur-triggered check finish before clicking further down; it already flags the code.
    await page.getByTestId('org-uscc').blur()
    await expect(fieldError(page, 'org-uscc')).toContainText('校验位')
    await selectOption(page, 'org-province', '江苏省')
    await page.getByTestId('org-city').fill('无锡市')
    await page.getByTestId('org-contact-name').fill('张老师')
    await page.getByTestId('org-contact-phone').fill('13800138000')
    await page.getByTestId('org-contact-email').fill('zhang@example.edu.cn')
    // University-only items appear once the kind is 高校.
    await selectOption(page, 'org-university-type', '本科院校（含本科层次职业院校）')
    await selectOption(page, 'org-university-nature', '公办')

    await page.getByTestId('org-save').click()

    // The check-character error is shown beside the USCC field …
    await expect(fieldError(page, 'org-uscc')).toContainText('校验位')
    await expect(fieldError(page, 'org-uscc')).toBeVisible()
    // … only there …
    await expect(fieldError(page, 'org-name')).toHaveCount(0)
    await expect(fieldError(page, 'org-contact-email')).toHaveCount(0)
    // … and the dialog stays open with everything that was typed.
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('org-kind')).toContainText('高校')
    await expect(page.getByTestId('org-name')).toHaveValue(name)
    await expect(page.getByTestId('org-uscc')).toHaveValue(uscc.wrong)
    await expect(page.getByTestId('org-province')).toContainText('江苏省')
    await expect(page.getByTestId('org-city')).toHaveValue('无锡市')
    await expect(page.getByTestId('org-contact-name')).toHaveValue('张老师')
    await expect(page.getByTestId('org-contact-phone')).toHaveValue('13800138000')
    await expect(page.getByTestId('org-contact-email')).toHaveValue('zhang@example.edu.cn')
    await expect(page.getByTestId('org-university-type')).toContainText('本科院校（含本科层次职业院校）')
    await expect(page.getByTestId('org-university-nature')).toContainText('公办')

    // The server is authoritative too: the same body is refused with uscc_checksum.
    const server = await page.evaluate(async (body) => {
      const s = await (await fetch('/api/auth/session')).json()
      const r = await fetch('/api/organizations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': s.csrf_token },
        body: JSON.stringify(body),
      })
      return { status: r.status, body: await r.json() }
    }, {
      kind: 'university', name, uscc: uscc.wrong, province_code: '320000', city: '无锡市', address: null,
      postal_code: null, contact_name: '张老师', contact_phone: '13800138000', contact_email: 'zhang@example.edu.cn',
      university_type: 'undergraduate', university_nature: 'public', srdi_level: null, field: null,
    })
    expect(server.status).toBe(422)
    const usccErr = server.body.error.fields.find((f: { field: string }) => f.field === 'uscc')
    expect(usccErr.code).toBe('uscc_checksum')
    expect(usccErr.message).toContain('校验位')

    // Fix the check character and save.
    await page.getByTestId('org-uscc').fill(uscc.valid)
    await page.getByTestId('org-uscc').blur()
    await expect(fieldError(page, 'org-uscc')).toHaveCount(0)
    const created = page.waitForResponse((r) => r.url().endsWith('/api/organizations') && r.request().method() === 'POST')
    await page.getByTestId('org-save').click()
    expect((await created).status()).toBe(201)
    await expect(dialog).toBeHidden()
    await expect(page.locator('.el-message--success')).toContainText('组织已创建')

    // Find it by name.
    await page.getByTestId('org-filter-q').fill(name)
    await page.getByTestId('org-search').click()
    const rows = page.getByTestId('org-table').locator('tbody tr')
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toContainText(name)
    await expect(rows.first()).toContainText(uscc.valid)
    await expect(rows.first()).toContainText('高校')
    await expect(rows.first()).toContainText('江苏')
  })

  test('服务端字段错误（联系电话格式）显示在对应字段旁', async ({ page }) => {
    // The client only checks that a phone is present; its format is checked by the server,
    // so this shows a server field error rendered beside the field.
    const name = `E2E示范企业${uniqueSuffix()}`
    const uscc = makeUscc('91320500')
    await login(page, 'office')
    await page.goto('/organizations')
    await page.getByTestId('org-new').click()
    await selectOption(page, 'org-kind', '企业')
    await page.getByTestId('org-name').fill(name)
    await page.getByTestId('org-uscc').fill(uscc.valid)
    await selectOption(page, 'org-province', '江苏省')
    await page.getByTestId('org-contact-name').fill('李工')
    await page.getByTestId('org-contact-phone').fill('12345')
    await page.getByTestId('org-contact-email').fill('li@example.com')
    await selectOption(page, 'org-srdi-level', '省级“专精特新”企业')

    const res = page.waitForResponse((r) => r.url().endsWith('/api/organizations') && r.request().method() === 'POST')
    await page.getByTestId('org-save').click()
    expect((await res).status()).toBe(422)
    await expect(fieldError(page, 'org-contact-phone')).toBeVisible()
    await expect(fieldError(page, 'org-contact-phone')).toContainText(/电话|号码/)
    await expect(fieldError(page, 'org-uscc')).toHaveCount(0)
    await expect(page.getByTestId('org-dialog')).toBeVisible()
    await expect(page.getByTestId('org-name')).toHaveValue(name)

    // Correcting the phone lets it save.
    await page.getByTestId('org-contact-phone').fill('0512-65280000')
    await page.getByTestId('org-contact-phone').blur()
    await expect(fieldError(page, 'org-contact-phone')).toHaveCount(0)
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/organizations') && r.request().method() === 'POST')
    await page.getByTestId('org-save').click()
    expect((await saved).status()).toBe(201)
    await expect(page.getByTestId('org-dialog')).toBeHidden()
  })
})
