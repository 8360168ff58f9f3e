import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { baseURL, PASSWORD } from '../support/env'
import {
  ApiClient,
  beijingDate,
  callInput,
  fieldError,
  makeUscc,
  login,
  newUserPage,
  selectOption,
  setCallDraft,
  settle,
  submitLogin,
  submittedApplication,
  tick,
  toast,
  uniqueSuffix,
  unzip,
  type App,
  type Call,
} from '../support/ui'

/**
 * The application / intake half in the browser (docs/API-applications.md): calls and their
 * extensions, attachments, withdrawal, 形式审查 退回 and resubmission, the paper copy's 校验码,
 * the intake list's filters and Excel export, the public verification page, and the local copy
 * of unsaved text.
 *
 * Every test makes its own published call through the API (the demo allows one application per
 * university and call), so the tests neither see each other's applications nor depend on their
 * order; applications that are only the setting of a test (submitted ones, with the partner's
 * confirmation) are made through the API as well. At the end each test sets its call back to
 * 草稿 (no longer offered to applicants), so other specs still see only the demo's open call.
 */

const BAD_TYPE = '文件类型不支持'

/* ───────────── dates (Beijing, whatever the machine's zone) ───────────── */

/** The day after `date` (`YYYY-MM-DD`). */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/* ───────────── setup through the API ───────────── */

/**
 * Calls made by the running test; `afterEach` sets them back to draft (not offered to
 * applicants any more), whether the test passed or not.
 */
const madeCalls: number[] = []

test.afterEach(async () => {
  if (!madeCalls.length) return
  const office = await ApiClient.as('office')
  try {
    for (const id of madeCalls.splice(0)) await setCallDraft(office, id)
  } finally {
    await office.dispose()
  }
})

/** A fresh published call, open now, closing `deadlineDays` from today at 24:00 Beijing. */
async function makeCall(office: ApiClient, label: string, deadlineDays = 200): Promise<Call> {
  const input = callInput(`E2E受理测试批次（${label}）${uniqueSuffix()}`, beijingDate(deadlineDays))
  const call = await office.expect<Call>('POST', '/api/calls', input, 201)
  madeCalls.push(call.id)
  return call
}

/** A draft application of `uniLogin`'s university in `call` (API). */
async function draftApplication(uniLogin: string, call: Call): Promise<App> {
  const uni = await ApiClient.as(uniLogin)
  try {
    return await uni.expect<App>('POST', '/api/applications', { call_id: call.id }, 201)
  } finally {
    await uni.dispose()
  }
}

/* ───────────── files ───────────── */

/** A minimal but well-formed one-page PDF (header, objects, a correct xref table, trailer). */
function minimalPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'))
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(out, 'latin1')
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

/** All the XML text of the archive's entries under `prefix`, entities for & < > decoded. */
function zipText(entries: Map<string, Buffer>, prefix: string): string {
  return [...entries]
    .filter(([name]) => name.startsWith(prefix) && name.endsWith('.xml'))
    .map(([, b]) => b.toString('utf8'))
    .join('\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/* ───────────── UI helpers ───────────── */

/** The first 12 hex digits of the content hash in the versions-table row of `version`. */
async function versionHash(page: Page, version: number): Promise<string> {
  const row = page.getByTestId('intake-versions').locator('tbody tr').filter({ has: page.getByTestId(`intake-version-${version}`) })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(/[0-9a-f]{64}/i)
  return /([0-9a-f]{64})/i.exec(await row.innerText())![1]!.slice(0, 12)
}

/** Opens application `id` on the office's intake page through the list (filtered to its call). */
async function openIntake(page: Page, call: Call, id: number): Promise<void> {
  await page.getByTestId('nav-intake').click()
  await expect(page).toHaveURL(/\/intake$/)
  await selectOption(page, 'intake-filter-call', call.title)
  await page.getByTestId(`intake-open-${id}`).click()
  await expect(page).toHaveURL(new RegExp(`/intake/${id}$`))
}

/* ───────────── the tests ───────────── */

test.describe('申报受理', () => {
  test('项目办新建批次并对整个批次延期（填写原因），延期记录和新的截止时间显示在界面上', async ({ page }) => {
    test.setTimeout(90_000)
    const title = `E2E新建批次${uniqueSuffix()}`
    // Far enough ahead that the new call sorts first (calls are listed by deadline, latest first).
    const deadline = beijingDate(1000)
    const extended = beijingDate(1014)
    const reason = `受疫情影响部分院校无法按期盖章，统一延期两周（${uniqueSuffix()}）`
    let callId = 0

    await test.step('新建并发布批次', async () => {
      await login(page, 'office')
      await page.getByTestId('nav-call-admin').click()
      await expect(page).toHaveURL(/\/call-admin$/)
      await page.getByTestId('call-new').click()
      const dialog = page.getByTestId('call-dialog')
      await expect(dialog).toBeVisible()
      await expect(page.getByTestId('call-field')).toContainText('先进半导体')
      await page.getByTestId('call-title').fill(title)
      await page.getByTestId('call-doc-number').fill(`CASA 联盟函【2027】${uniqueSuffix()} 号`)
      await page.getByTestId('call-opens-at').fill(`${beijingDate(-1)}T09:00`)
      // 24:00 of the last day is typed as 00:00 of the next; the form says how it reads.
      await page.getByTestId('call-deadline').fill(`${nextDay(deadline)}T00:00`)
      await expect(page.getByTestId('call-deadline-24')).toContainText(`${deadline} 24:00`)
      await tick(page, 'call-status-published')
      await page.getByTestId('call-contact-0-name').fill('黄老师')
      await page.getByTestId('call-contact-0-phone').fill('18122931209')
      await page.getByTestId('call-contact-0-email').fill('csahn@example.cn')
      await page.getByTestId('call-postal-address').fill('北京市海淀区清华东路甲35号')
      await page.getByTestId('call-postal-code').fill('100083')
      await page.getByTestId('call-postal-recipient').fill('第三代半导体产业技术创新战略联盟')
      await page.getByTestId('call-direction-0-code').fill('power_devices')
      await page.getByTestId('call-direction-0-name').fill('功率电子器件')

      const created = page.waitForResponse((r) => r.url().endsWith('/api/calls') && r.request().method() === 'POST')
      await page.getByTestId('call-save').click()
      const res = await created
      expect(res.status(), `create call: ${await res.text()}`).toBe(201)
      callId = ((await res.json()) as Call).id
      madeCalls.push(callId)
      await expect(toast(page, 'success', '批次已创建')).toBeVisible()
      // The dialog stays for the attachments; closing it shows the call in the list.
      await page.getByTestId('call-cancel').click()
      await expect(dialog).toBeHidden()
      const row = page.getByTestId('call-table').locator('tbody tr').filter({ hasText: title })
      await expect(row).toHaveCount(1)
      await expect(row).toContainText(`${deadline} 24:00`)
      await expect(row).toContainText('已发布')
    })

    await test.step('延期必须填写原因', async () => {
      await page.getByTestId(`call-extend-${callId}`).first().click()
      const dialog = page.getByTestId('call-extend-dialog')
      await expect(dialog).toBeVisible()
      await expect(dialog).toContainText(`${deadline} 24:00`)
      await expect(page.getByTestId('ext-history')).toContainText('暂无延期记录')
      await expect(page.getByTestId('ext-scope-call')).toHaveClass(/\bis-checked\b/)
      await page.getByTestId('ext-deadline').fill(`${nextDay(extended)}T00:00`)
      const refused = page.waitForResponse((r) => r.url().endsWith(`/api/calls/${callId}/extensions`) && r.request().method() === 'POST')
      await page.getByTestId('ext-save').click()
      expect((await refused).status()).toBe(422)
      await expect(fieldError(page, 'ext-reason')).toBeVisible()
      await expect(fieldError(page, 'ext-reason')).toContainText(/必填|原因/)
      await expect(page.getByTestId('ext-history')).toContainText('暂无延期记录')
    })

    await test.step('填写原因后延期整个批次', async () => {
      await page.getByTestId('ext-reason').fill(reason)
      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/calls/${callId}/extensions`) && r.request().method() === 'POST')
      await page.getByTestId('ext-save').click()
      const res = await saved
      expect(res.status(), `extend: ${await res.text()}`).toBe(201)
      await expect(toast(page, 'success', '已延期')).toBeVisible()
      const rows = page.getByTestId('ext-history').locator('tbody tr')
      await expect(rows).toHaveCount(1)
      await expect(rows.first()).toContainText('整个批次')
      await expect(rows.first()).toContainText(`${extended} 24:00`)
      await expect(rows.first()).toContainText(reason.slice(0, 12))
      await expect(rows.first()).toContainText('office')
      await expect(fieldError(page, 'ext-reason')).toHaveCount(0)

      await page.keyboard.press('Escape')
      await expect(page.getByTestId('call-extend-dialog')).toBeHidden()
      // The call itself now closes later (whole-call extension).
      const row = page.getByTestId('call-table').locator('tbody tr').filter({ hasText: title })
      await expect(row).toContainText(`${extended} 24:00`)
      await expect(row).not.toContainText(`${deadline} 24:00`)

      // Reopening the dialog shows the history from the server.
      await page.getByTestId(`call-extend-${callId}`).first().click()
      await expect(page.getByTestId('call-extend-dialog')).toContainText(`${extended} 24:00`)
      await expect(page.getByTestId('ext-history').locator('tbody tr')).toHaveCount(1)
      await expect(page.getByTestId('ext-history')).toContainText(reason.slice(0, 12))
    })
  })

  test('高校上传附件（真实 PDF）后在列表中看到并可下载；内容与扩展名不符的文件被拒绝并显示中文提示', async ({ page }, testInfo) => {
    test.setTimeout(90_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '附件')
    await office.dispose()
    const app = await draftApplication('jiangnan.admin', call)
    const pdf = minimalPdf(`Chanjiao e2e ${uniqueSuffix()}`)
    const pdfName = `佐证材料-${uniqueSuffix()}.pdf`

    await login(page, 'jiangnan.admin')
    await page.getByTestId('nav-my-applications').click()
    await page.getByTestId(`app-open-${app.id}`).click()
    await expect(page).toHaveURL(new RegExp(`/applications/${app.id}/edit$`))
    await expect(page.getByTestId('app-status')).toHaveText('草稿')
    const table = page.getByTestId('app-attachments')
    await expect(table).toContainText('暂无文件')
    const fileInput = page.getByTestId('app-upload').locator('input[type=file]')

    await test.step('上传真实的 PDF', async () => {
      const uploaded = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/attachments`) && r.request().method() === 'POST')
      await fileInput.setInputFiles({ name: pdfName, mimeType: 'application/pdf', buffer: pdf })
      const res = await uploaded
      expect(res.status(), `upload: ${await res.text()}`).toBe(201)
      const att = (await res.json()) as { id: number; content_type: string; size: number }
      expect(att.content_type).toBe('application/pdf')
      expect(att.size).toBe(pdf.length)
      await expect(toast(page, 'success', pdfName)).toBeVisible()
      const rows = table.locator('tbody tr')
      await expect(rows).toHaveCount(1)
      await expect(rows.first()).toContainText(pdfName)
      await expect(rows.first()).toContainText('证明材料')

      // The listed file downloads with the very bytes uploaded.
      const download = page.waitForEvent('download')
      await page.getByTestId(`attachment-${att.id}`).click()
      const file = await download
      expect(await file.failure()).toBeNull()
      expect(file.suggestedFilename()).toBe(pdfName)
      const saved = testInfo.outputPath('downloaded.pdf')
      await file.saveAs(saved)
      expect(fs.readFileSync(saved).equals(pdf), 'downloaded bytes equal the uploaded ones').toBe(true)
    })

    await test.step('扩展名为 .pdf 的纯文本文件被拒绝', async () => {
      const refused = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/attachments`) && r.request().method() === 'POST')
      await fileInput.setInputFiles({
        name: '伪装的申报材料.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('这不是 PDF 文件，只是一段纯文本。\nThis is plain text pretending to be a PDF.\n', 'utf8'),
      })
      const res = await refused
      expect(res.status()).toBe(422)
      expect((await res.json()).error.fields[0].code).toBe('invalid_file_type')
      await expect(toast(page, 'error', BAD_TYPE)).toBeVisible()
      await expect(table.locator('tbody tr')).toHaveCount(1)
      await expect(table).not.toContainText('伪装的申报材料')
      // Nothing was stored: after a reload the list still has the PDF alone.
      await page.reload()
      await expect(page.getByTestId('app-attachments').locator('tbody tr')).toHaveCount(1)
      await expect(page.getByTestId('app-attachments')).toContainText(pdfName)
    })
  })

  test('未注册的联合申报单位：高校生成一次性邀请链接，对方凭链接注册单位并拒绝（须填原因）；高校看到拒绝及原因，链接不能再用', async ({ page, browser }) => {
    test.setTimeout(120_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '邀请')
    await office.dispose()
    const app = await draftApplication('jiangnan.admin', call)
    // The draft names a partner that has no account yet (no org_id).
    const suffix = uniqueSuffix()
    const partnerName = `苏州邀请测试半导体有限公司${suffix}`
    const uni = await ApiClient.as('jiangnan.admin')
    const form = {
      ...app.form,
      partners: [
        {
          org_id: null,
          name: partnerName,
          uscc: '',
          category: 'provincial_srdi',
          contact: '周敏（总经理）',
          contact_phone: '0512-66668888',
          contact_email: `invite-${suffix.toLowerCase()}@example.cn`,
          profile: '',
        },
      ],
    }
    await uni.expect('PUT', `/api/applications/${app.id}/form`, { revision: app.revision, form }, 200)

    await login(page, 'jiangnan.admin')
    await page.goto(`/applications/${app.id}/edit`)
    await expect(page.getByTestId('partner-0-status')).toHaveAttribute('data-status', 'unregistered')
    const invited = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/invites`) && r.request().method() === 'POST')
    await page.getByTestId('partner-0-invite').click()
    expect((await invited).status()).toBeLessThan(300)
    const link = new URL(await page.getByTestId('partner-0-invite-url').inputValue())
    expect(link.pathname).toMatch(/^\/invite\/[^/]+$/)

    const partner = await newUserPage(browser)
    try {
      await test.step('对方凭链接注册单位，选择拒绝：缺原因时显示中文提示，填写后提交成功', async () => {
        await partner.goto(link.pathname)
        await expect(partner.getByTestId('invite-summary')).toBeVisible()
        await expect(partner.getByTestId('invite-org-name')).toHaveValue(partnerName)
        await partner.getByTestId('invite-org-uscc').fill(makeUscc('91320500').valid)
        await selectOption(partner, 'invite-org-province', '江苏省')
        await partner.getByTestId('invite-org-city').fill('苏州市')
        await partner.getByTestId('invite-org-address').fill('苏州工业园区星湖街328号')
        await partner.getByTestId('invite-org-postal-code').fill('215123')
        await partner.getByTestId('invite-admin-login').fill(`invite.${suffix.toLowerCase()}`)
        await partner.getByTestId('invite-admin-password').fill(PASSWORD)
        await partner.getByTestId('invite-admin-password2').fill(PASSWORD)
        await partner.getByTestId('invite-decline').click()
        await partner.getByTestId('invite-submit').click()
        await expect(fieldError(partner, 'invite-reason')).toContainText('请填写原因')
        await partner.getByTestId('invite-reason').fill('本年度已参与其他产业学院建设，无法参与')
        const accepted = partner.waitForResponse((r) => r.url().includes('/api/public/invites/') && r.request().method() === 'POST')
        await partner.getByTestId('invite-submit').click()
        expect((await accepted).status(), 'the invitation is accepted').toBeLessThan(300)
        await expect(partner.getByTestId('invite-done')).toBeVisible()
      })

      await test.step('高校看到对方已拒绝及原因', async () => {
        await page.reload()
        const status = page.getByTestId('partner-0-status')
        await expect(status).toHaveAttribute('data-status', 'declined')
        await expect(status).toContainText('已拒绝：本年度已参与其他产业学院建设，无法参与')
        const fresh = await uni.get<any>(`/api/applications/${app.id}`)
        expect(fresh.partners[0].status).toBe('declined')
        expect(fresh.partners[0].org_id, 'the partner is now a registered organisation').toBeTruthy()
      })

      await test.step('链接只能用一次', async () => {
        await partner.goto(link.pathname)
        await expect(partner.getByTestId('invite-invalid')).toBeVisible()
        await expect(partner.getByTestId('invite-invalid')).toContainText('邀请链接无效、已使用或已过期')
      })
    } finally {
      await partner.context().close()
      await uni.dispose()
    }
  })

  test('高校在截止前撤回已提交的申报，撤回后可再次编辑', async ({ page }) => {
    test.setTimeout(90_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '撤回')
    const app = await submittedApplication('lingnan.admin', call)

    await login(page, 'lingnan.admin')
    await page.getByTestId('nav-my-applications').click()
    await expect(page.getByTestId(`app-row-status-${app.id}`)).toHaveText('已提交')
    await page.getByTestId(`app-open-${app.id}`).click()
    await expect(page).toHaveURL(new RegExp(`/applications/${app.id}/edit$`))
    await expect(page.getByTestId('app-status')).toHaveText('已提交')
    await expect(page.getByTestId('app-submitted')).toBeVisible()
    // Read-only while submitted: no autosave, no submit.
    await expect(page.getByTestId('autosave-status')).toHaveCount(0)

    await page.getByTestId('app-withdraw').click()
    const box = page.locator('.el-message-box')
    await expect(box).toContainText('确定撤回吗')
    const withdrawn = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/withdraw`) && r.request().method() === 'POST')
    await box.getByRole('button', { name: '撤回' }).click()
    expect((await withdrawn).status()).toBe(200)
    await expect(toast(page, 'success', '申报已撤回')).toBeVisible()
    await expect(page.getByTestId('app-status')).toHaveText('已撤回')
    await expect(page.getByTestId('app-withdraw')).toHaveCount(0)
    await expect(page.getByTestId('app-submitted')).toHaveCount(0)
    // Editable again, and (the form being complete) it could be submitted again.
    await expect(page.getByTestId('autosave-status')).toBeVisible()
    await expect(page.getByTestId('app-submit')).toBeEnabled()

    // The office sees it withdrawn; the list of the university agrees.
    const seen = await office.get<App>(`/api/applications/${app.id}`)
    expect(seen.status).toBe('withdrawn')
    await office.dispose()
    await page.getByTestId('nav-my-applications').click()
    await expect(page.getByTestId(`app-row-status-${app.id}`)).toHaveText('已撤回')
  })

  test('项目办形式审查退回并写明原因；高校看到原因、修改后重新提交，出现第 2 版', async ({ page, browser }) => {
    test.setTimeout(120_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '退回')
    await office.dispose()
    const app = await submittedApplication('suzhouic.admin', call, 'higher_vocational')
    const reasons = `承诺意见页未加盖学校公章；联合申报单位简介缺少近三年合作成果（${uniqueSuffix()}）`
    const due = beijingDate(7)
    const added = `补充：地方政府承诺配套人才公寓200套（${uniqueSuffix()}）。`

    await test.step('项目办退回：原因必填', async () => {
      await login(page, 'office')
      await openIntake(page, call, app.id)
      await expect(page.getByTestId('app-status')).toHaveText('已提交')
      await expect(page.getByTestId('intake-versions').locator('tbody tr')).toHaveCount(1)
      await page.getByTestId('formal-open').click()
      await expect(page.getByTestId('formal-dialog')).toBeVisible()
      await tick(page, 'formal-return')
      await page.getByTestId('formal-due').fill(due)
      const refused = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/formal-check`))
      await page.getByTestId('formal-save').click()
      expect((await refused).status()).toBe(422)
      await expect(fieldError(page, 'formal-reasons')).toContainText('原因')
      await expect(page.getByTestId('app-status')).toHaveText('已提交')

      await page.getByTestId('formal-reasons').fill(reasons)
      const returned = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/formal-check`))
      await page.getByTestId('formal-save').click()
      expect((await returned).status()).toBe(200)
      await expect(page.getByTestId('formal-dialog')).toBeHidden()
      await expect(page.getByTestId('app-status')).toHaveText('退回修改')
      await expect(page.getByTestId('intake-detail')).toContainText(reasons)
      await expect(page.getByTestId('intake-detail')).toContainText(due)
    })

    await test.step('高校看到退回原因，修改并重新提交', async () => {
      const uni = await newUserPage(browser)
      try {
        await login(uni, 'suzhouic.admin')
        await uni.getByTestId('nav-my-applications').click()
        await expect(uni.getByTestId(`app-row-status-${app.id}`)).toHaveText('退回修改')
        await uni.getByTestId(`app-open-${app.id}`).click()
        await expect(uni.getByTestId('app-status')).toHaveText('退回修改')
        const notice = uni.getByTestId('app-returned')
        await expect(notice).toContainText('形式审查退回修改')
        await expect(notice).toContainText(reasons)
        await expect(notice).toContainText(due)

        // After an autosave the editor re-reads the application's status. Hold that answer
        // (read before the submission) until the submission has answered: it is stale then
        // and must not put 「退回修改」 back over 「已提交」.
        let release!: () => void
        const gate = new Promise<void>((r) => (release = r))
        const appUrl = new RegExp(`/api/applications/${app.id}$`)
        await uni.route(appUrl, async (route) => {
          if (route.request().method() !== 'GET') return route.fallback()
          const res = await route.fetch()
          await gate
          await route.fulfill({ response: res })
        })
        const refresh = uni.waitForRequest((r) => appUrl.test(r.url()) && r.method() === 'GET')
        const staleAnswer = uni.waitForResponse((r) => appUrl.test(r.url()) && r.request().method() === 'GET')

        await uni.getByTestId('f-g-other').fill(added)
        await settle(uni)
        await expect(uni.getByTestId('autosave-status')).toHaveAttribute('data-state', 'saved')
        await refresh
        await expect(uni.getByTestId('app-submit')).toBeEnabled()
        await uni.getByTestId('app-submit').click()
        await expect(uni.getByTestId('submit-dialog')).toBeVisible()
        const submitted = uni.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/submit`))
        await uni.getByTestId('app-submit-confirm').click()
        expect((await submitted).status()).toBe(200)
        await expect(uni.getByTestId('app-status')).toHaveText('已提交')
        release()
        await staleAnswer
        await uni.unroute(appUrl)
        // Let the page handle that answer (a macrotask after the response) before looking again.
        await uni.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))))
        await expect(uni.getByTestId('app-status')).toHaveText('已提交')
        await expect(uni.getByTestId('app-version')).toHaveText('第 2 版')
        await expect(uni.getByTestId('app-returned')).toHaveCount(0)
        await expect(toast(uni, 'success', '第 2 版')).toBeVisible()
      } finally {
        await uni.context().close()
      }
    })

    await test.step('项目办看到两个提交版本，显示的是修改后的第 2 版', async () => {
      await page.reload()
      await expect(page.getByTestId('app-status')).toHaveText('已提交')
      const versions = page.getByTestId('intake-versions').locator('tbody tr')
      await expect(versions).toHaveCount(2)
      await expect(versions.first()).toContainText('suzhouic.admin')
      const v1 = await versionHash(page, 1)
      const v2 = await versionHash(page, 2)
      expect(v2).not.toBe(v1)
      await expect(page.getByTestId('intake-detail')).toContainText('申报书（第 2 版）')
      await expect(page.getByTestId('f-g-other')).toHaveValue(added)
      // The first version is still there, without the correction.
      await page.getByTestId('intake-version-1').click()
      await expect(page.getByTestId('intake-detail')).toContainText('申报书（第 1 版）')
      await expect(page.getByTestId('f-g-other')).toHaveValue('')
    })
  })

  test('项目办签收纸质材料（日期、快递、单号、校验码），界面显示是否与提交版本一致', async ({ page }) => {
    test.setTimeout(120_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '纸质件')
    const app = await submittedApplication('jiangnan.admin', call)
    // A second version: returned, corrected and submitted again (API).
    await office.expect('POST', `/api/applications/${app.id}/formal-check`, { decision: 'return', reasons: '请补充盖章页。', correction_due: beijingDate(5) }, 200)
    const uni = await ApiClient.as('jiangnan.admin')
    const cur = await uni.get<App>(`/api/applications/${app.id}`)
    const saved = await uni.expect<{ revision: number }>('PUT', `/api/applications/${app.id}/form`, {
      revision: cur.revision,
      form: { ...cur.form, guarantees: { ...cur.form.guarantees, other: '已补充盖章页。' } },
    }, 200)
    const v2 = await uni.expect<App>('POST', `/api/applications/${app.id}/submit`, { revision: saved.revision }, 200)
    expect(v2.submitted_version).toBe(2)
    await uni.dispose()
    await office.dispose()
    const tracking = `SF${Date.now()}`

    await login(page, 'office')
    await openIntake(page, call, app.id)
    await expect(page.getByTestId('intake-detail')).toContainText('尚未签收')
    const hash1 = await versionHash(page, 1)
    const hash2 = await versionHash(page, 2)
    const dialog = page.getByTestId('paper-dialog')
    const result = page.getByTestId('paper-result')

    async function record(hash: string): Promise<void> {
      await page.getByTestId('paper-hash').fill(hash)
      const res = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/paper-copy`))
      await page.getByTestId('paper-save').click()
      expect((await res).status()).toBe(200)
    }

    await test.step('纸质件印的是第 1 版的校验码：一致但不是最新版本', async () => {
      await page.getByTestId('paper-open').click()
      await expect(dialog).toBeVisible()
      await expect(page.getByTestId('paper-received-on')).toHaveValue(beijingDate(0))
      await page.getByTestId('paper-received-on').fill(beijingDate(-1))
      await page.getByTestId('paper-courier').fill('顺丰速运')
      await page.getByTestId('paper-tracking').fill(tracking)
      await record(hash1)
      await expect(result).toHaveAttribute('data-match', 'false')
      await expect(result).toContainText('与第 1 版一致，但不是最新提交版本')
    })

    await test.step('校验码与任何版本都不符', async () => {
      const wrong = (hash2[0] === '0' ? '1' : '0') + hash2.slice(1)
      expect(wrong === hash1.slice(0, 12)).toBe(false)
      await record(wrong.toUpperCase())
      await expect(result).toHaveAttribute('data-match', 'false')
      await expect(result).toContainText('与任何提交版本都不一致')
    })

    await test.step('校验码与最新提交的第 2 版一致', async () => {
      // As printed (upper case, with a stray space pasted in front).
      await record(` ${hash2.toUpperCase()}`)
      await expect(result).toHaveAttribute('data-match', 'true')
      await expect(result).toContainText('与提交的第 2 版一致')
      await page.keyboard.press('Escape')
      await expect(dialog).toBeHidden()
      const detail = page.getByTestId('intake-detail')
      await expect(detail).toContainText('与提交的第 2 版一致')
      await expect(detail).toContainText(`${beijingDate(-1)} · 顺丰速运 ${tracking}`)
      await expect(detail).not.toContainText('尚未签收')
      // Stored: a reload shows the same.
      await page.reload()
      await expect(page.getByTestId('intake-detail')).toContainText('与提交的第 2 版一致')
      await expect(page.getByTestId('intake-detail')).toContainText(tracking)
    })
  })

  test('受理列表按状态、省份、院校类型筛选，导出 Excel', async ({ page }, testInfo) => {
    test.setTimeout(120_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '筛选')
    const jiangnan = await submittedApplication('jiangnan.admin', call, 'undergraduate') // 江苏, 本科
    const suzhou = await submittedApplication('suzhouic.admin', call, 'higher_vocational') // 江苏, 高职
    const lingnan = await submittedApplication('lingnan.admin', call, 'undergraduate') // 广东, 本科
    await office.expect('POST', `/api/applications/${jiangnan.id}/formal-check`, { decision: 'accept', reasons: '材料齐全。', correction_due: null }, 200)
    await office.dispose()

    await login(page, 'office')
    await page.getByTestId('nav-intake').click()
    await expect(page).toHaveURL(/\/intake$/)
    const rows = page.getByTestId('intake-table').locator('tbody tr')
    const row = (a: App) => rows.filter({ hasText: a.number })

    await selectOption(page, 'intake-filter-call', call.title)
    await expect(rows).toHaveCount(3)
    for (const a of [jiangnan, suzhou, lingnan]) await expect(row(a)).toHaveCount(1)

    await test.step('省份', async () => {
      await selectOption(page, 'intake-filter-province', '江苏省')
      await expect(rows).toHaveCount(2)
      await expect(row(lingnan)).toHaveCount(0)
      await expect(row(jiangnan)).toContainText('江苏')
    })

    await test.step('院校类型', async () => {
      await selectOption(page, 'intake-filter-type', '高等职业院校')
      await expect(rows).toHaveCount(1)
      await expect(row(suzhou)).toHaveCount(1)
      await expect(row(suzhou)).toContainText('苏州集成电路职业技术学院')
      await expect(row(suzhou)).toContainText('高等职业院校')
    })

    await test.step('状态（重置后按批次 + 状态）', async () => {
      await page.getByRole('button', { name: '重置' }).click()
      await expect(page.getByTestId('intake-filter-call')).not.toContainText(call.title)
      await selectOption(page, 'intake-filter-call', call.title)
      await expect(rows).toHaveCount(3)
      await selectOption(page, 'intake-filter-status', '形式审查通过')
      await expect(rows).toHaveCount(1)
      await expect(row(jiangnan)).toContainText('形式审查通过')
      await selectOption(page, 'intake-filter-status', '已提交')
      await expect(rows).toHaveCount(2)
      await expect(row(jiangnan)).toHaveCount(0)
    })

    await test.step('导出 Excel（按当前筛选条件）', async () => {
      const download = page.waitForEvent('download')
      await page.getByTestId('intake-export').click()
      const file = await download
      expect(await file.failure()).toBeNull()
      expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
      expect(file.suggestedFilename()).toBe('申报汇总.xlsx')
      const saved = testInfo.outputPath('intake.xlsx')
      await file.saveAs(saved)
      const bytes = fs.readFileSync(saved)
      expect(bytes.subarray(0, 2).toString('latin1'), 'an XLSX is a zip archive').toBe('PK')
      // The workbook holds the filtered rows (call + 已提交): the two submitted ones only.
      const text = zipText(unzip(bytes), 'xl/')
      expect(text).toContain(suzhou.number)
      expect(text).toContain(lingnan.number)
      expect(text).not.toContain(jiangnan.number)
    })
  })

  test('公开核验页：打开二维码中的网址显示为正式提交版本，校验码错误时显示未找到', async ({ page }) => {
    test.setTimeout(90_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '核验')
    const app = await submittedApplication('lingnan.admin', call)

    // The QR code's target is the print's verify_url; the DOCX prints the same URL in its footer.
    const docx = await office.ctx.get(`/api/applications/${app.id}/print?format=docx`)
    expect(docx.status()).toBe(200)
    const footer = zipText(unzip(await docx.body()), 'word/').replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    const m = /核验：\s*(https?:\/\/[^<\s]+)/.exec(footer)
    expect(m, 'the DOCX footer names the verification URL').toBeTruthy()
    const url = new URL(m![1]!)
    await office.dispose()
    expect(url.origin).toBe(new URL(baseURL()).origin)
    expect(url.pathname).toBe('/verify')
    expect(url.searchParams.get('number')).toBe(app.number)
    expect(url.searchParams.get('version')).toBe('1')
    const hash = url.searchParams.get('hash')!
    expect(hash).toMatch(/^[0-9a-f]{12}$/)

    await test.step('不登录打开核验网址：正式提交版本', async () => {
      await page.goto(url.toString())
      await expect(page.getByTestId('verify-page')).toBeVisible()
      await expect(page.getByTestId('verify-number')).toHaveValue(app.number)
      await expect(page.getByTestId('verify-hash')).toHaveValue(hash)
      const result = page.getByTestId('verify-result')
      await expect(result).toHaveAttribute('data-found', 'true')
      await expect(result).toContainText('该版本为正式提交版本')
      await expect(result).toContainText(call.title)
      await expect(result).toContainText(app.number)
      await expect(result).toContainText('这是该申报最新的提交版本')
      await expect(page.getByTestId('header-user')).toHaveCount(0)
    })

    await test.step('改动校验码后核验：未找到', async () => {
      const wrong = (hash[0] === 'a' ? 'b' : 'a') + hash.slice(1)
      await page.getByTestId('verify-hash').fill(wrong)
      const checked = page.waitForResponse((r) => r.url().includes('/api/public/verify') && r.url().includes(`hash=${wrong}`))
      await page.getByTestId('verify-submit').click()
      expect((await checked).status()).toBe(200)
      await expect(page).toHaveURL(new RegExp(`hash=${wrong}`))
      const result = page.getByTestId('verify-result')
      await expect(result).toHaveAttribute('data-found', 'false')
      await expect(result).toContainText('未找到对应的提交版本')
      await expect(result).not.toContainText('该版本为正式提交版本')
    })
  })

  test('会话失效时未保存的内容留在本机；重新登录后编辑器提供恢复，恢复后保存到服务器', async ({ page, context }) => {
    test.setTimeout(90_000)
    const office = await ApiClient.as('office')
    const call = await makeCall(office, '本机副本')
    await office.dispose()
    const app = await draftApplication('jiangnan.admin', call)
    const text = `学校承诺提供人才公寓和子女入学保障（本机副本 ${uniqueSuffix()}）。`
    const field = page.getByTestId('f-g-other')

    await login(page, 'jiangnan.admin')
    await page.goto(`/applications/${app.id}/edit`)
    await expect(page.getByTestId('app-status')).toHaveText('草稿')
    await expect(field).toHaveValue('')

    // The session ends behind the page's back; the text is typed, then the autosave meets 401.
    await context.clearCookies({ name: 'chanjiao_session' })
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/form`) && r.request().method() === 'PUT')
    await field.fill(text)
    // Leaving the field saves at once (the 401 then sends the page to the login form).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    expect((await refused).status()).toBe(401)
    await expect(page).toHaveURL(/\/login\?.*reason=expired/)
    await expect(page.getByTestId('login-notice')).toContainText('登录已超时')
    // Nothing reached the server.
    const uni = await ApiClient.as('jiangnan.admin')
    expect((await uni.get<App>(`/api/applications/${app.id}`)).form.guarantees.other).toBe('')

    // Log in again: back in the editor, which offers the local copy (the form shows the server's).
    expect(await submitLogin(page, 'jiangnan.admin', PASSWORD)).toBe(200)
    await expect(page).toHaveURL(new RegExp(`/applications/${app.id}/edit$`))
    const offer = page.getByTestId('local-restore-offer')
    await expect(offer).toBeVisible()
    await expect(offer).toContainText('未同步到服务器')
    await expect(field).toHaveValue('')

    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/form`) && r.request().method() === 'PUT')
    await page.getByTestId('local-restore').click()
    await expect(offer).toHaveCount(0)
    await expect(field).toHaveValue(text)
    expect((await saved).status()).toBe(200)
    await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-state', 'saved')
    expect((await uni.get<App>(`/api/applications/${app.id}`)).form.guarantees.other).toBe(text)
    await uni.dispose()

    // Saved, so nothing is offered any more.
    await page.reload()
    await expect(field).toHaveValue(text)
    await expect(page.getByTestId('local-restore-offer')).toHaveCount(0)
  })
})
