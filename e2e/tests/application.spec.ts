import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { expect, test } from '@playwright/test'
import { login, newUserPage, selectOption, settle, tick } from '../support/ui'

/**
 * Issue 3's acceptance test: a 高职 fills in the whole 申报书 of the open call through the UI,
 * its registered partner confirms, the university submits, the programme office passes the
 * 形式审查, and the printed PDF / DOCX carry the form's headings, number and 校验码.
 *
 * The demo data allow one application per university and call, so this test needs the fresh
 * database the global setup provides (it is the only spec that creates applications).
 */
const CALL_2026 = '2026年先进半导体领域专精特新产业学院建设（第二批）'
const CALL_2022 = '2022年先进半导体领域专精特新产业学院建设'
const LEAD_ORG = '苏州集成电路职业技术学院'
const PARTNER_ORG = '苏州纳芯碳化硅半导体有限公司'
const COMMITMENT = '本申报材料真实有效，学校将为建设提供设施、组织、经费等保障。'
const MEETING_DATE = '2026-11-18'
const GOALS = '用三年时间建成面向碳化硅功率器件全产业链的专精特新产业学院，年培养高技能人才300人以上。'

const PLAN: Record<string, string> = {
  management_body: '成立由学校、纳芯碳化硅和园区管委会组成的产业学院理事会，实行理事会领导下的院长负责制。',
  research_institute: '共建第三代半导体功率器件研究所，聚焦碳化硅外延缺陷控制与器件可靠性测试。',
  teaching_resource_center: '联合开发活页式教材8部、在线课程12门，建设功率器件工艺虚拟仿真资源库。',
  practice_training_center: '在企业厂区共建4000平方米生产性实训基地，覆盖外延、光刻、封装与测试岗位。',
  innovation_cooperation_center: '面向园区中小企业开放检测平台，每年承接技术服务与工艺改进项目20项以上。',
  smart_cloud_platform: '建设产教融合智慧云平台，打通学生实习、企业用工与课程学分认定数据。',
}

/**
 * All whitespace removed: pdftotext breaks lines and spaces CJK runs as the layout goes, and
 * the template puts zero-width spaces into long e-mails and URLs as break opportunities.
 */
function squash(text: string): string {
  return text.replace(/[\s\u00a0\u3000\u200b-\u200d\ufeff]+/g, '')
}

/** The text of a PDF by poppler's pdftotext; fails clearly when poppler-utils is missing. */
function pdfText(pdfPath: string): string {
  const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' })
  if (probe.error) {
    throw new Error(
      `pdftotext is not available (${probe.error.message}): install poppler-utils (apt-get install poppler-utils) to check the printed 申报书`,
    )
  }
  const txtPath = pdfPath.replace(/\.pdf$/, '.txt')
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', pdfPath, txtPath], { encoding: 'utf8', timeout: 30_000 })
  if (r.error || r.status !== 0) {
    throw new Error(`pdftotext failed on ${pdfPath} (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`)
  }
  return fs.readFileSync(txtPath, 'utf8')
}

test.describe('申报全流程', () => {
  test('高职填写完整申报书，合作企业确认后提交，项目办形式审查通过并打印申报书', async ({ page, browser }, testInfo) => {
    // Three users, a full form and two printed documents (the PDF is typeset by the server).
    test.setTimeout(150_000)
    let appId = 0
    let number = ''

    await test.step('大学新建申报（仅开放批次可选）', async () => {
      await login(page, 'suzhouic.admin')
      await page.getByTestId('nav-my-applications').click()
      await expect(page).toHaveURL(/\/applications$/)
      await page.getByTestId('app-new').click()
      await selectOption(page, 'app-call-select', CALL_2026)
      // Only open calls are offered: the 2026 one, not the closed 2022 one.
      await page.getByTestId('app-call-select').click()
      await expect(page.locator('.el-select-dropdown__item:visible')).toHaveCount(1)
      await expect(page.locator('.el-select-dropdown__item:visible').filter({ hasText: CALL_2022 })).toHaveCount(0)
      await page.keyboard.press('Escape')
      await expect(page.locator('.el-select__popper:visible')).toHaveCount(0)
      const created = page.waitForResponse((r) => r.url().endsWith('/api/applications') && r.request().method() === 'POST')
      await page.getByTestId('app-create').click()
      expect((await created).status()).toBe(201)
      await expect(page).toHaveURL(/\/applications\/\d+\/edit$/)
      appId = Number(/\/applications\/(\d+)\/edit/.exec(page.url())![1])
      expect(appId).toBeGreaterThan(0)

      await expect(page.getByTestId('app-status')).toHaveText('草稿')
      await expect(page.getByTestId('app-number')).toBeVisible()
      number = (await page.getByTestId('app-number').innerText()).split(/[：:]/).pop()!.trim()
      expect(number, 'application number').toMatch(/^\S{4,}$/)
    })

    await test.step('填写申报书全部六部分', async () => {
      // 一 牵头申报院校情况 (name, type, nature and contact come prefilled from the organisation)
      await expect(page.getByTestId('f-lead-name')).toHaveValue(LEAD_ORG)
      await tick(page, 'f-lead-type-higher_vocational')
      await tick(page, 'f-lead-nature-public')
      await page.getByTestId('f-lead-contact-name').fill('李娟')
      await page.getByTestId('f-lead-contact-title').fill('教务处处长/副教授')
      await page.getByTestId('f-lead-contact-phone').fill('0512-62880001')
      await page.getByTestId('f-lead-contact-email').fill('lijuan@szicvc.edu.cn')
      await page.getByTestId('f-lead-profile').fill(
        '苏州集成电路职业技术学院创建于2003年，是江苏省高水平高职院校，设有集成电路技术、微电子技术等专业群，' +
          '与园区40余家半导体企业开展订单培养和现代学徒制合作。',
      )
      await settle(page)
      await selectOption(page, 'f-lead-direction', '功率电子器件')
      await tick(page, 'f-lead-project-provincial_high_level')
      await tick(page, 'f-lead-project-provincial_training_base')
      await tick(page, 'f-lead-funding-provincial_finance')
      await tick(page, 'f-lead-funding-self_raised')
      await tick(page, 'f-lead-funding-other-check')
      await page.getByTestId('f-lead-funding-other').fill('合作企业设备捐赠')
      await expect(page.getByTestId('f-lead-funding-other-check')).toHaveClass(/\bis-checked\b/)

      // 二 联合申报单位情况: the registered enterprise, picked through the directory search
      await settle(page)
      await page.getByTestId('partner-add').click()
      const search = page.getByTestId('partner-0-search')
      await settle(page)
      await search.click()
      await search.locator('input').fill('纳芯')
      const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: PARTNER_ORG })
      await expect(option).toHaveCount(1)
      await option.click()
      await expect(page.locator('.el-select__popper:visible')).toHaveCount(0)
      await expect(page.getByTestId('partner-0-name')).toHaveValue(PARTNER_ORG)
      await tick(page, 'partner-0-category-little_giant')
      await page.getByTestId('partner-0-contact').fill('张伟（人力资源总监）')
      await page.getByTestId('partner-0-phone').fill('13862001234')
      await page.getByTestId('partner-0-email').fill('hr@naxin-sic.cn')
      await page.getByTestId('partner-0-profile').fill(
        '苏州纳芯碳化硅半导体有限公司是国家专精特新“小巨人”企业，专注6英寸碳化硅外延与功率器件，' +
          '已与学院共建实训产线并接收顶岗实习学生120余人。',
      )

      // 三 牵头申报院校产教融合工作情况
      await page.getByTestId('f-ie-main-work').fill('牵头组建长三角集成电路职教集团，推行“课岗证赛”融通的人才培养模式。')
      await page.getByTestId('f-ie-results').fill('近三年毕业生对口就业率92%，获全国职业院校技能大赛集成电路赛项一等奖2项。')
      await page.getByTestId('f-ie-innovation').fill('首创“企业工程师驻校、教师驻厂”双向流动机制，形成可复制的校企协同育人经验。')

      // 四 建设目标与规划
      await page.getByTestId('f-goals').fill(GOALS)
      for (const [key, text] of Object.entries(PLAN)) await page.getByTestId(`f-plan-${key}`).fill(text)
      await page.getByTestId('f-goals-innovation').fill('以真实产线为课堂，以企业技术难题为课题，打造碳化硅特色“厂中校”。')

      // 五 保障与支持
      await page.getByTestId('f-g-facilities').fill('学校提供实训楼一栋共6000平方米，并配套建设洁净实训室。')
      await page.getByTestId('f-g-organisation').fill('成立由校长任组长的产业学院建设领导小组，统筹推进建设任务。')
      await page.getByTestId('f-g-funding').fill('三年投入建设经费3000万元，其中学校自筹1800万元、企业投入1200万元。')
      await page.getByTestId('f-g-other').fill('地方政府在人才引进和用地方面给予政策支持。')

      // 六 承诺意见
      await expect(page.getByTestId('commitment-text')).toHaveText(COMMITMENT)
      await tick(page, 'f-c-agreed')
      await page.getByTestId('f-c-person').fill('王建国')
      await tick(page, 'f-c-meeting')
      await page.getByTestId('f-c-meeting-date').fill(MEETING_DATE)
      await page.getByTestId('f-c-meeting-date').blur()
    })

    await test.step('自动保存；仅缺联合单位确认，不能提交', async () => {
      const autosave = page.getByTestId('autosave-status')
      await expect(autosave).toHaveAttribute('data-state', 'saved', { timeout: 15_000 })
      // 「检查」 saves whatever is pending first, then lists what the server still objects to.
      await page.getByTestId('app-check').click()
      const checkList = page.getByTestId('check-list')
      await expect(checkList.locator('li')).toHaveCount(1)
      await expect(checkList).toContainText(PARTNER_ORG)
      await expect(checkList).toContainText('尚未确认')
      await page.keyboard.press('Escape')
      await expect(checkList).toBeHidden()
      await expect(autosave).toHaveAttribute('data-state', 'saved')
      for (const s of ['lead', 'ie', 'goals', 'guarantees', 'commitment']) {
        await expect(page.getByTestId(`outline-${s}`), `outline ${s}`).toHaveAttribute('data-ok', 'true')
      }
      await expect(page.getByTestId('outline-partners')).toHaveAttribute('data-ok', 'false')
      await expect(page.getByTestId('partner-0-status')).toHaveText('待确认')
      await expect(page.getByTestId('partner-0-status')).toHaveAttribute('data-status', 'pending')
      await expect(page.getByTestId('app-submit')).toBeDisabled()
    })

    await test.step('企业在另一浏览器确认参与', async () => {
      const partner = await newUserPage(browser)
      try {
        await login(partner, 'naxin.admin')
        await partner.getByTestId('nav-partner-applications').click()
        await expect(partner).toHaveURL(/\/partner-applications$/)
        const myStatus = partner.getByTestId(`partner-status-${appId}`)
        await expect(myStatus).toHaveText('待确认')
        await expect(partner.getByTestId('partner-table')).toContainText(LEAD_ORG)
        await partner.getByTestId(`partner-confirm-${appId}`).click()
        const box = partner.locator('.el-message-box')
        await expect(box).toContainText('确认本单位作为联合申报单位参与该申报吗？')
        const decided = partner.waitForResponse(
          (r) => r.url().includes(`/api/applications/${appId}/partners/`) && r.request().method() === 'POST',
        )
        await box.getByRole('button', { name: '确认参与' }).click()
        expect((await decided).status()).toBe(200)
        await expect(myStatus).toHaveText('已确认')
        await expect(partner.getByTestId(`partner-confirm-${appId}`)).toBeDisabled()
      } finally {
        await partner.context().close()
      }
    })

    await test.step('大学刷新后提交', async () => {
      // Everything typed was stored by the autosave: nothing is offered from the local copy.
      await page.reload()
      await expect(page.getByTestId('partner-0-status')).toHaveText('已确认')
      await expect(page.getByTestId('local-restore-offer')).toHaveCount(0)
      await expect(page.getByTestId('f-lead-contact-title')).toHaveValue('教务处处长/副教授')
      await expect(page.getByTestId('f-lead-direction')).toContainText('功率电子器件')
      await expect(page.getByTestId('f-lead-funding-other')).toHaveValue('合作企业设备捐赠')
      await expect(page.getByTestId('partner-0-name')).toHaveValue(PARTNER_ORG)
      await expect(page.getByTestId('f-plan-smart_cloud_platform')).toHaveValue(PLAN.smart_cloud_platform!)
      await expect(page.getByTestId('f-g-other')).toHaveValue('地方政府在人才引进和用地方面给予政策支持。')
      await expect(page.getByTestId('f-c-person')).toHaveValue('王建国')
      await expect(page.getByTestId('f-c-meeting-date')).toHaveValue(MEETING_DATE)
      await expect(page.getByTestId('f-c-agreed')).toHaveClass(/\bis-checked\b/)
      await expect(page.getByTestId('f-c-meeting')).toHaveClass(/\bis-checked\b/)

      await expect(page.getByTestId('app-submit')).toBeEnabled()
      await page.getByTestId('app-submit').click()
      const submitted = page.waitForResponse((r) => r.url().endsWith(`/api/applications/${appId}/submit`))
      await page.getByTestId('app-submit-confirm').click()
      expect((await submitted).status()).toBe(200)
      await expect(page.getByTestId('app-status')).toHaveText('已提交')
      await expect(page.getByTestId('app-version')).toHaveText('第 1 版')
      await expect(page.getByTestId('app-submitted')).toBeVisible()
      await expect(page.getByTestId('app-number')).toContainText(number)
    })

    const office = await newUserPage(browser)
    try {
      let hash12 = ''
      await test.step('项目办形式审查通过', async () => {
        await login(office, 'office')
        await office.getByTestId('nav-intake').click()
        await expect(office).toHaveURL(/\/intake$/)
        const row = office.getByTestId('intake-table').locator('tbody tr').filter({ hasText: number })
        await expect(row).toHaveCount(1)
        await expect(row).toContainText(LEAD_ORG)
        await expect(row).toContainText('已提交')
        await office.getByTestId(`intake-open-${appId}`).click()
        await expect(office).toHaveURL(new RegExp(`/intake/${appId}$`))
        await expect(office.getByTestId('app-status')).toHaveText('已提交')

        await office.getByTestId('formal-open').click()
        await tick(office, 'formal-accept')
        await office.getByTestId('formal-reasons').fill('材料齐全，符合申报条件。')
        const checked = office.waitForResponse((r) => r.url().endsWith(`/api/applications/${appId}/formal-check`))
        await office.getByTestId('formal-save').click()
        expect((await checked).status()).toBe(200)
        await expect(office.getByTestId('app-status')).toHaveText('形式审查通过')

        // The 校验码 of version 1, as the versions table shows it.
        const versionRow = office.getByTestId('intake-versions').locator('tbody tr').first()
        await expect(versionRow).toContainText(/[0-9a-fA-F]{12}/)
        hash12 = /([0-9a-fA-F]{12,})/.exec(await versionRow.innerText())![1]!.slice(0, 12).toLowerCase()
      })

      await test.step('下载申报书 PDF 并检查内容', async () => {
        const download = office.waitForEvent('download', { timeout: 60_000 })
        await office.getByTestId('print-pdf').click()
        const pdf = await download
        expect(await pdf.failure()).toBeNull()
        expect(pdf.suggestedFilename()).toMatch(/\.pdf$/i)
        const pdfPath = testInfo.outputPath('application.pdf')
        await pdf.saveAs(pdfPath)
        expect(fs.readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-')
        const text = squash(pdfText(pdfPath))
        for (const needle of [
          '先进半导体领域专精特新产业学院申报书',
          '牵头申报院校情况',
          '联合申报单位情况',
          '建设目标与规划',
          '保障与支持',
          '牵头申报单位承诺意见',
          COMMITMENT,
          number,
          '校验码',
          LEAD_ORG,
          PARTNER_ORG,
          GOALS,
        ]) {
          expect(text.includes(squash(needle)), `PDF text contains 「${needle}」`).toBe(true)
        }
        expect(text.toLowerCase(), 'PDF shows the 校验码 of version 1').toContain(`校验码${hash12}`)
      })

      await test.step('下载 Word 版', async () => {
        const download = office.waitForEvent('download', { timeout: 60_000 })
        await office.getByTestId('print-docx').click()
        const docx = await download
        expect(await docx.failure()).toBeNull()
        expect(docx.suggestedFilename()).toMatch(/\.docx$/i)
        const docxPath = testInfo.outputPath('application.docx')
        await docx.saveAs(docxPath)
        expect(fs.readFileSync(docxPath).subarray(0, 2).toString('latin1'), 'DOCX is a zip archive').toBe('PK')
      })
    } finally {
      await office.context().close()
    }
  })
})
