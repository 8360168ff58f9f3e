import { expect, test, type Page } from '@playwright/test'
import type { Assignment, Expert } from '../support/types'
import {
  ApiClient,
  XLSX_MIME,
  beijingDate,
  callInput,
  login,
  makeUscc,
  newUserPage,
  runOptimalDryRun,
  selectOption,
  setCallDraft,
  submittedApplication,
  toast,
  uniqueSuffix,
  xlsx,
  type App,
  type Call,
} from '../support/ui'

/**
 * The expert-review half's day-to-day operations in the browser (docs/API-review.md), beside
 * review.spec.ts's whole round: importing experts from Excel (all or nothing), 申请回避 and
 * declared conflicts refusing an expert in the assignment, the notification bell and the mail
 * outbox, manual changes to the proposed assignment, and an expert declining a task with the
 * office confirming the replacement.
 *
 * There is no screen on which an expert declares a conflict or asks to recuse from an assigned
 * application: an expert either declines the task (with a reason, the last test), or the
 * programme records the conflict in the expert's profile (专家库 → 编辑 → 利益相关申报), and the
 * applicant names experts it asks to be kept away (申请回避, on its application page). The
 * second test drives those two.
 *
 * Isolation: every test makes its own call through the API whose only direction is 光电子器件,
 * a field no demo expert has, and imports its own experts with that field only — so the demo
 * experts can never be assigned to a test's applications, and the test's experts never to
 * anyone else's (review.spec.ts counts on the demo experts). After each test, whether it passed
 * or not, its committed rounds are closed (their load is released), its experts are set 暂停
 * (unavailable) and its call goes back to 草稿, as intake.spec.ts does.
 */

const FIELD = { code: 'optoelectronics', name: '光电子器件' }
const IMPORT_HEADERS = ['账号', '姓名', '手机', '邮箱', '职称', '工作单位', '统一社会信用代码', '所在省份', '专业领域', '关键词', '最大评审量', '可参评', '回避单位统一社会信用代码']
const TASK_TITLE = '新的评审任务'
/** The demo universities whose admins apply (one application per university and call). */
const INSTITUTION_TYPES: Record<string, string> = {
  'jiangnan.admin': 'undergraduate',
  'suzhouic.admin': 'higher_vocational',
  'lingnan.admin': 'undergraduate',
}

/* ───────────── types (docs/API-review.md) ───────────── */

interface Round {
  id: number
  title: string
  status: string
}
interface ProposalRow {
  application_id: number
  experts: { user_id: number; name: string }[]
}

/* ───────────── experts in Excel ───────────── */

/** An expert row of an import file. */
interface NewExpert {
  login: string
  name: string
  phone: string
  email: string
  affiliation: string
  uscc: string
  maxLoad: number
}

/**
 * A new expert of a test's batch: a unique login, a name that names the batch, the batch in
 * the affiliation (so the pool's keyword search finds the batch), the 光电子器件 field.
 */
function newExpert(batch: string, tag: string, maxLoad = 3): NewExpert {
  const login = `ops.${tag}.${batch}`.toLowerCase()
  return {
    login,
    name: `专家${tag}${batch}`,
    phone: '13800138000',
    email: `${login}@example.cn`,
    affiliation: `光电子器件研究院（${batch}）`,
    uscc: '',
    maxLoad,
  }
}

/** The row's cells in the template's column order (headers `IMPORT_HEADERS`). */
function cells(e: NewExpert): (string | number)[] {
  return [e.login, e.name, e.phone, e.email, '研究员', e.affiliation, e.uscc, '上海市', FIELD.name, '光电探测、激光器', e.maxLoad, '是', '']
}

function expertFile(rows: NewExpert[]): { name: string; mimeType: string; buffer: Buffer } {
  return { name: `专家名单-${uniqueSuffix()}.xlsx`, mimeType: XLSX_MIME, buffer: xlsx([IMPORT_HEADERS, ...rows.map(cells)], '专家库') }
}

/** The pool entries of a batch (its experts carry the batch in their affiliation). */
async function batchExperts(office: ApiClient, batch: string): Promise<Expert[]> {
  const page = await office.get<{ items: Expert[]; total: number }>(`/api/experts?q=${encodeURIComponent(batch)}&page=1&per_page=100`)
  return page.items
}

/** The body of PUT /api/experts/{id}: the expert as it is, with `changes`. */
function expertBody(e: Expert, changes: Partial<Expert> = {}) {
  const x = { ...e, ...changes }
  return {
    title: x.title,
    affiliation_org_id: x.affiliation_org_id,
    affiliation_name: x.affiliation_name,
    province_code: x.province_code,
    fields: x.fields,
    keywords: x.keywords,
    max_load: x.max_load,
    available: x.available,
    conflict_org_ids: x.conflict_org_ids,
    conflict_application_ids: x.conflict_application_ids,
  }
}

/* ───────────── what a test made, undone after it ───────────── */

const made = { calls: [] as number[], rounds: [] as number[], batches: [] as string[] }

test.afterEach(async () => {
  if (!made.calls.length && !made.rounds.length && !made.batches.length) return
  const office = await ApiClient.as('office')
  // Every step is tried even when an earlier one fails; the first failure is reported.
  const failures: unknown[] = []
  const attempt = async (step: () => Promise<void>) => {
    try {
      await step()
    } catch (e) {
      failures.push(e)
    }
  }
  try {
    for (const id of made.rounds.splice(0)) {
      await attempt(async () => {
        const r = await office.get<Round>(`/api/rounds/${id}`)
        if (r.status === 'reviewing') await office.expect('POST', `/api/rounds/${id}/close`, {}, 200)
      })
    }
    for (const batch of made.batches.splice(0)) {
      await attempt(async () => {
        for (const e of await batchExperts(office, batch)) {
          if (e.available) await office.expect('PUT', `/api/experts/${e.user_id}`, expertBody(e, { available: false }), 200)
        }
      })
    }
    for (const id of made.calls.splice(0)) await attempt(() => setCallDraft(office, id))
  } finally {
    await office.dispose()
  }
  if (failures.length) throw failures[0]
})

/** A fresh batch name (registered for the clean-up before anything of it exists). */
function newBatch(): string {
  const batch = uniqueSuffix()
  made.batches.push(batch)
  return batch
}

/* ───────────── a review round's setting, through the API ───────────── */

interface PoolExpert extends Expert {
  password: string
}
interface Setting {
  call: Call
  apps: App[]
  experts: PoolExpert[]
  round: Round
}

/**
 * A published call (direction 光电子器件), one application per university in `universities`
 * submitted and accepted for review (形式审查 passed), `experts` imported into the pool from an
 * Excel file (with their initial passwords), and a 立项评审 round with k experts per application.
 */
async function setting(office: ApiClient, label: string, universities: string[], experts: NewExpert[], k = 1): Promise<Setting> {
  const call = await office.expect<Call>('POST', '/api/calls', callInput(`E2E评审运行批次（${label}）${uniqueSuffix()}`, beijingDate(200), [FIELD]), 201)
  made.calls.push(call.id)
  const apps: App[] = []
  for (const uni of universities) {
    const app = await submittedApplication(uni, call, INSTITUTION_TYPES[uni] ?? 'undergraduate', FIELD.code)
    apps.push(await office.expect<App>('POST', `/api/applications/${app.id}/formal-check`, { decision: 'accept', reasons: '材料齐全。', correction_due: null }, 200))
  }
  for (const a of apps) expect(a.status).toBe('accepted_for_review')

  const imported = await office.upload('/api/experts/import', 'file', expertFile(experts))
  expect(imported.status, `import: ${JSON.stringify(imported.body)}`).toBe(200)
  const passwords = new Map<string, string>((imported.body.initial_passwords as { login: string; password: string }[]).map((p) => [p.login, p.password]))
  const pool: PoolExpert[] = []
  for (const x of experts) {
    const page = await office.get<{ items: Expert[] }>(`/api/experts?q=${encodeURIComponent(x.login)}&page=1&per_page=10`)
    const e = page.items.find((i) => i.login === x.login)
    expect(e, `${x.login} is in the pool`).toBeTruthy()
    expect(passwords.get(x.login), `initial password of ${x.login}`).toBeTruthy()
    pool.push({ ...e!, password: passwords.get(x.login)! })
  }

  const round = await office.expect<Round>('POST', '/api/rounds', { call_id: call.id, kind: 'initial', title: `E2E立项评审（${label}）${uniqueSuffix()}`, per_application: k }, 201)
  made.rounds.push(round.id)
  return { call, apps, experts: pool, round }
}

/** Commits `pairs` as the round's assignment (API), as the office's 确认分配 does. */
async function commit(office: ApiClient, round: Round, pairs: { application_id: number; user_id: number }[]): Promise<void> {
  await office.expect('POST', `/api/rounds/${round.id}/assignment/commit`, { pairs, mode: 'manual', seed: null }, 200)
}

/* ───────────── UI helpers of the assignment tab ───────────── */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')
}

/** Opens a round's 分配 tab and runs the optimal dry run; returns the proposal's rows. */
async function proposeOptimal(page: Page, round: Round): Promise<ProposalRow[]> {
  await page.goto(`/rounds/${round.id}`)
  await expect(page.getByTestId('round-title')).toHaveText(round.title)
  const body = await runOptimalDryRun(page, round.id)
  return body.rows as ProposalRow[]
}

/** Takes an expert off an application in the proposal (the tag's ×). */
async function removeFromProposal(page: Page, applicationId: number, userId: number): Promise<void> {
  const tag = page.getByTestId(`proposal-expert-${applicationId}-${userId}`)
  await tag.locator('.el-tag__close').click()
  await expect(tag).toHaveCount(0)
}

/** Adds an expert to an application in the proposal (添加专家). */
async function addToProposal(page: Page, applicationId: number, expert: { user_id: number; name: string }): Promise<void> {
  await selectOption(page, `proposal-add-${applicationId}`, new RegExp(`^\\s*${escapeRegExp(expert.name)} · `))
  await expect(page.getByTestId(`proposal-expert-${applicationId}-${expert.user_id}`)).toContainText('手动')
}

/** Waits until the re-check of the edited table has answered. */
async function checked(page: Page): Promise<void> {
  await expect(page.getByTestId('assign-checking')).toHaveCount(0)
}

/* ───────────── the tests ───────────── */

test.describe('专家评审日常操作', () => {
  test('项目办从 Excel 导入专家：有错误的文件整份不导入并指明行、列和原因，改正后全部导入，列表可见，新账号可用初始密码登录', async ({ page, browser }) => {
    test.setTimeout(120_000)
    const batch = newBatch()
    const [a, b, c] = [newExpert(batch, 'a'), newExpert(batch, 'b'), newExpert(batch, 'c')]
    const office = await ApiClient.as('office')
    const dialog = page.getByTestId('expert-import-dialog')
    const fileInput = page.getByTestId('expert-import-upload').locator('input[type=file]')
    const problems = page.getByTestId('import-problem-table').locator('tbody tr')

    async function upload(file: { name: string; mimeType: string; buffer: Buffer }, status: number): Promise<void> {
      const res = page.waitForResponse((r) => r.url().endsWith('/api/experts/import') && r.request().method() === 'POST')
      await fileInput.setInputFiles(file)
      expect((await res).status(), `import of ${file.name}`).toBe(status)
    }

    await login(page, 'office')
    await page.getByTestId('nav-review-experts').click()
    await expect(page).toHaveURL(/\/experts$/)
    await page.getByTestId('expert-import').click()
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText('只要有一行有问题，就不会导入任何数据')

    await test.step('第 3 行手机号码有误：整份文件不导入，指明第 3 行「手机」', async () => {
      await upload(expertFile([a, { ...b, phone: '1380013800' }, c]), 422)
      await expect(page.getByTestId('import-problems')).toContainText('导入失败：共 1 处问题，未导入任何数据')
      await expect(problems).toHaveCount(1)
      await expect(problems.first()).toContainText('第 3 行')
      await expect(problems.first()).toContainText('手机')
      await expect(problems.first()).toContainText('手机号码应为11位数字')
      await expect(page.getByTestId('import-result')).toHaveCount(0)
      // Nothing of the file is in the pool — neither the row before the bad one nor the one after.
      expect(await batchExperts(office, batch)).toEqual([])
    })

    await test.step('第 4 行的单位未在平台注册（格式无误，查库时才发现）：同样整份不导入', async () => {
      const unregistered = makeUscc('12310000').valid
      await upload(expertFile([a, b, { ...c, uscc: unregistered }]), 422)
      await expect(problems).toHaveCount(1)
      await expect(problems.first()).toContainText('第 4 行')
      await expect(problems.first()).toContainText('统一社会信用代码')
      await expect(problems.first()).toContainText(`统一社会信用代码 ${unregistered} 的单位尚未在平台注册`)
      expect(await batchExperts(office, batch), 'rows 2 and 3 were valid, but nothing was imported').toEqual([])
    })

    let passwordOfA = ''
    await test.step('改正后的文件：三名专家全部新建，初始密码只显示这一次', async () => {
      await upload(expertFile([a, b, c]), 200)
      await expect(page.getByTestId('import-problems')).toHaveCount(0)
      await expect(page.getByTestId('import-result')).toContainText('导入完成：新建 3 名，更新 0 名。')
      await expect(page.getByTestId('import-passwords-warning')).toContainText('初始密码只显示这一次')
      const rows = page.getByTestId('import-passwords').locator('tbody tr')
      await expect(rows).toHaveCount(3)
      for (const e of [a, b, c]) await expect(rows.filter({ hasText: e.login })).toHaveCount(1)
      passwordOfA = (await rows.filter({ hasText: a.login }).locator('.mono').innerText()).trim()
      expect(passwordOfA).toMatch(/^\S{8,}$/)

      await page.getByTestId('expert-import-close').click()
      const box = page.locator('.el-message-box')
      await expect(box).toContainText('关闭后将无法再次查看这些初始密码')
      await box.getByRole('button', { name: '关闭', exact: true }).click()
      await expect(dialog).toBeHidden()
    })

    await test.step('专家库列表中可以查到这三名专家（可用）', async () => {
      await page.getByTestId('expert-filter-q').fill(batch)
      const listed = page.waitForResponse((r) => r.url().includes('/api/experts?') && r.url().includes(encodeURIComponent(batch)))
      await page.getByTestId('expert-search').click()
      expect((await listed).status()).toBe(200)
      const rows = page.getByTestId('expert-table').locator('.el-table__body-wrapper tbody tr')
      await expect(rows).toHaveCount(3)
      const pool = await batchExperts(office, batch)
      expect(pool.map((e) => e.login).sort()).toEqual([a.login, b.login, c.login].sort())
      for (const e of pool) {
        const row = rows.filter({ hasText: e.login })
        await expect(row).toContainText(e.name)
        await expect(row).toContainText(a.affiliation)
        await expect(row).toContainText(FIELD.name)
        await expect(page.getByTestId(`expert-available-${e.user_id}`)).toHaveText('可用')
      }
    })

    await test.step('同一文件再导入一次：按登录名更新，不新建账号，也不再显示密码', async () => {
      await page.getByTestId('expert-import').click()
      await expect(dialog).toBeVisible()
      await upload(expertFile([a, b, c]), 200)
      await expect(page.getByTestId('import-result')).toContainText('导入完成：新建 0 名，更新 3 名。')
      await expect(page.getByTestId('import-passwords')).toHaveCount(0)
      await page.getByTestId('expert-import-close').click()
      await expect(dialog).toBeHidden()
      expect(await batchExperts(office, batch)).toHaveLength(3)
    })

    await test.step('新专家用导入时显示的初始密码登录，看到「我的评审」', async () => {
      const expert = await newUserPage(browser)
      try {
        await login(expert, a.login, passwordOfA)
        await expect(expert.getByTestId('header-user')).toContainText(a.name)
        await expert.getByTestId('nav-my-reviews').click()
        await expect(expert.getByTestId('my-assignments')).toContainText('暂无评审任务')
      } finally {
        await expert.context().close()
      }
    })
    await office.dispose()
  })

  test('申请回避与利益冲突：申报单位在申报页申请回避专家，项目办在专家库登记专家的利益相关申报；最优分配避开二人，手动改派给他们时显示中文原因且不能确认', async ({ page, browser }) => {
    test.setTimeout(150_000)
    const batch = newBatch()
    const office = await ApiClient.as('office')
    const s = await setting(office, '回避', ['jiangnan.admin'], [newExpert(batch, 'avoid'), newExpert(batch, 'conflict'), newExpert(batch, 'clean')])
    const [avoided, conflicted, clean] = s.experts as [PoolExpert, PoolExpert, PoolExpert]
    const app = s.apps[0]!

    await test.step('申报单位：在申报页填写申请回避（缺理由时显示中文提示），保存后仍在', async () => {
      const uni = await newUserPage(browser)
      try {
        await login(uni, 'jiangnan.admin')
        await uni.goto(`/applications/${app.id}/edit`)
        const card = uni.getByTestId('avoid-card')
        await expect(card).toContainText('申请回避专家（最多 3 名）')
        await expect(card).toContainText('未申请回避')
        await uni.getByTestId('avoid-add').click()
        await uni.getByTestId('avoid-0-name').fill(avoided.name)
        await uni.getByTestId('avoid-0-affiliation').fill(avoided.affiliation_name)
        const refused = uni.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/avoid-requests`) && r.request().method() === 'PUT')
        await uni.getByTestId('avoid-save').click()
        expect((await refused).status()).toBe(422)
        await expect(card).toContainText('请填写回避理由')

        await uni.getByTestId('avoid-0-reason').fill('该专家曾与本校合作承担光电子器件课题，存在利益关系。')
        const saved = uni.waitForResponse((r) => r.url().endsWith(`/api/applications/${app.id}/avoid-requests`) && r.request().method() === 'PUT')
        await uni.getByTestId('avoid-save').click()
        expect((await saved).status()).toBe(200)
        await expect(toast(uni, 'success', '回避申请已保存')).toBeVisible()
        await expect(card).not.toContainText('请填写回避理由')
        await expect(uni.getByTestId('avoid-save')).toBeDisabled()

        await uni.reload()
        await expect(uni.getByTestId('avoid-0-name')).toHaveValue(avoided.name)
        await expect(uni.getByTestId('avoid-0-affiliation')).toHaveValue(avoided.affiliation_name)
      } finally {
        await uni.context().close()
      }
      // Matched to the pool expert of the same name and affiliation (the programme sees the match).
      const requests = await office.get<{ name: string; expert_user_id: number | null }[]>(`/api/applications/${app.id}/avoid-requests`)
      expect(requests.map((r) => [r.name, r.expert_user_id])).toEqual([[avoided.name, avoided.user_id]])
    })

    await login(page, 'office')

    await test.step('项目办：在专家库为另一位专家登记利益相关申报', async () => {
      await page.getByTestId('nav-review-experts').click()
      await page.getByTestId('expert-filter-q').fill(conflicted.login)
      await page.getByTestId('expert-search').click()
      await expect(page.getByTestId('expert-table').locator('.el-table__body-wrapper tbody tr')).toHaveCount(1)
      await page.getByTestId(`expert-edit-${conflicted.user_id}`).click()
      const dialog = page.getByTestId('expert-dialog')
      await expect(dialog).toBeVisible()
      await expect(dialog).toContainText(conflicted.login)
      const select = page.getByTestId('expert-conflict-apps')
      await select.click()
      await select.locator('input').fill(app.number)
      const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: app.number })
      await expect(option).toHaveCount(1)
      await option.click()
      await expect(select).toContainText(app.number)
      // Close the drop-down without Escape (which would close the dialog).
      await dialog.locator('.el-dialog__header').click()
      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/experts/${conflicted.user_id}`) && r.request().method() === 'PUT')
      await page.getByTestId('expert-save').click()
      expect((await saved).status()).toBe(200)
      await expect(toast(page, 'success', '专家信息已保存')).toBeVisible()
      await expect(dialog).toBeHidden()
      const stored = await office.get<Expert>(`/api/experts/${conflicted.user_id}`)
      expect(stored.conflict_application_ids).toEqual([app.id])
    })

    await test.step('最优分配避开申请回避的专家和声明利益相关的专家', async () => {
      const rows = await proposeOptimal(page, s.round)
      const row = rows.find((r) => r.application_id === app.id)
      expect(row?.experts.map((e) => e.user_id), 'the only eligible expert is proposed').toEqual([clean.user_id])
      await expect(page.getByTestId(`proposal-expert-${app.id}-${clean.user_id}`)).toBeVisible()
      await expect(page.getByTestId(`proposal-expert-${app.id}-${avoided.user_id}`)).toHaveCount(0)
      await expect(page.getByTestId(`proposal-expert-${app.id}-${conflicted.user_id}`)).toHaveCount(0)
    })

    const rowViolations = page.getByTestId(`proposal-violations-${app.id}`)
    await test.step('手动改派给申请回避的专家：标红并说明原因，不能确认分配', async () => {
      await removeFromProposal(page, app.id, clean.user_id)
      await addToProposal(page, app.id, avoided)
      await checked(page)
      await expect(rowViolations).toContainText(`${avoided.name}：申报单位申请回避该专家`)
      await expect(page.getByTestId(`proposal-expert-${app.id}-${avoided.user_id}`)).toHaveClass(/el-tag--danger/)
      await expect(page.getByTestId('assign-violations')).toContainText('不符合分配规则')
      await expect(page.getByTestId('assign-commit')).toBeDisabled()
    })

    await test.step('改派给声明了利益相关的专家：同样被拒绝', async () => {
      await removeFromProposal(page, app.id, avoided.user_id)
      await addToProposal(page, app.id, conflicted)
      await checked(page)
      await expect(rowViolations).toContainText(`${conflicted.name}：本人声明与该申报存在利害关系，须回避`)
      await expect(rowViolations).not.toContainText(avoided.name)
      await expect(page.getByTestId('assign-commit')).toBeDisabled()
    })

    await test.step('换回无冲突的专家后可以确认分配', async () => {
      await removeFromProposal(page, app.id, conflicted.user_id)
      await addToProposal(page, app.id, clean)
      await checked(page)
      await expect(rowViolations).toHaveCount(0)
      await expect(page.getByTestId('assign-violations')).toHaveCount(0)
      await expect(page.getByTestId('assign-commit')).toBeEnabled()
      await page.getByTestId('assign-commit').click()
      const committed = page.waitForResponse((r) => r.url().endsWith(`/api/rounds/${s.round.id}/assignment/commit`) && r.request().method() === 'POST')
      await page.locator('.el-message-box').getByRole('button', { name: '确认分配', exact: true }).click()
      expect((await committed).status()).toBe(200)
      const list = await office.get<Assignment[]>(`/api/rounds/${s.round.id}/assignments`)
      expect(list.map((x) => [x.application_id, x.user_id, x.status])).toEqual([[app.id, clean.user_id, 'invited']])
      await expect(page.getByTestId(`assignment-expert-${list[0]!.id}`)).toHaveText(clean.name)
    })
    await office.dispose()
  })

  test('通知铃铛与发件箱：专家被分配评审任务后铃铛显示未读数，打开通知并标记已读后清零；项目办在邮件发件箱看到对应邮件', async ({ page, browser }) => {
    test.setTimeout(120_000)
    const batch = newBatch()
    const office = await ApiClient.as('office')
    const s = await setting(office, '通知', ['suzhouic.admin'], [newExpert(batch, 'bell')])
    const expert = s.experts[0]!
    const app = s.apps[0]!
    const bell = page.getByTestId('notif-bell')
    const badge = page.getByTestId('notif-count').locator('.el-badge__content')

    /** The bell's next GET /api/notifications (on mount, on opening it, every 60 s). */
    const bellLoad = () => page.waitForResponse((r) => r.url().endsWith('/api/notifications') && r.request().method() === 'GET')

    await test.step('分配前：铃铛没有未读', async () => {
      const loaded = bellLoad()
      await login(page, expert.login, expert.password)
      expect((await loaded).status()).toBe(200)
      await expect(bell).toHaveAttribute('aria-label', '通知')
      await expect(badge).toBeHidden()
    })

    await commit(office, s.round, [{ application_id: app.id, user_id: expert.user_id }])
    const [assignment] = await office.get<Assignment[]>(`/api/rounds/${s.round.id}/assignments`)

    await test.step('分配后：铃铛显示 1 条未读，列表中有这条评审任务通知', async () => {
      await page.reload()
      await expect(bell).toHaveAttribute('aria-label', '通知，1 条未读')
      await expect(badge).toBeVisible()
      await expect(badge).toHaveText('1')
      await bell.click()
      const list = page.getByTestId('notif-list')
      await expect(list).toBeVisible()
      const item = list.locator('.notif-item').filter({ hasText: TASK_TITLE })
      await expect(item).toHaveCount(1)
      await expect(item).toHaveClass(/\bunread\b/)
      await expect(item).toContainText(`您被邀请参加“${s.round.title}”的评审`)
    })

    await test.step('点开通知：标记已读，未读数清零，并转到「我的评审」', async () => {
      const item = page.getByTestId('notif-list').locator('.notif-item').filter({ hasText: TASK_TITLE })
      const read = page.waitForResponse((r) => /\/api\/notifications\/\d+\/read$/.test(r.url()) && r.request().method() === 'POST')
      await item.click()
      expect((await read).status()).toBe(204)
      await expect(bell).toHaveAttribute('aria-label', '通知')
      await expect(badge).toBeHidden()
      await expect(page).toHaveURL(/\/my-reviews$/)
      await expect(page.getByTestId(`my-status-${assignment!.id}`)).toHaveText('已邀请')
    })

    await test.step('已读记在服务器上：重新载入后仍无未读', async () => {
      const loaded = bellLoad()
      await page.reload()
      expect((await loaded).status()).toBe(200)
      await expect(page.getByTestId('my-assignments')).toBeVisible()
      await expect(bell).toHaveAttribute('aria-label', '通知')
      await expect(badge).toBeHidden()
      await bell.click()
      const item = page.getByTestId('notif-list').locator('.notif-item').filter({ hasText: TASK_TITLE })
      await expect(item).toHaveCount(1)
      await expect(item).not.toHaveClass(/\bunread\b/)
    })

    await test.step('项目办：邮件发件箱里有发给该专家的邮件（未配置 SMTP，待发送）', async () => {
      const officePage = await newUserPage(browser)
      try {
        await login(officePage, 'office')
        await officePage.getByTestId('nav-outbox').click()
        await expect(officePage).toHaveURL(/\/outbox$/)
        const row = officePage.getByTestId('outbox-table').locator('.el-table__body-wrapper tbody tr').filter({ hasText: expert.email! })
        await expect(row).toHaveCount(1)
        await expect(row).toContainText(`【专精特新产业学院】${TASK_TITLE}`)
        await expect(row).toContainText('待发送')
      } finally {
        await officePage.context().close()
      }
    })
    await office.dispose()
  })

  test('手动调整分配：最优方案上增删、改派专家，超过人数或最大评审量时显示中文原因且不能确认，改好后确认的分配如调整所示', async ({ page }) => {
    test.setTimeout(150_000)
    const batch = newBatch()
    const office = await ApiClient.as('office')
    // Every expert can take one application: the optimum gives each application its own
    // expert and leaves one free.
    const s = await setting(office, '调整', ['jiangnan.admin', 'suzhouic.admin'], [newExpert(batch, 'x', 1), newExpert(batch, 'y', 1), newExpert(batch, 'z', 1)])
    const [app1, app2] = s.apps as [App, App]
    const byId = new Map(s.experts.map((e) => [e.user_id, e]))

    await login(page, 'office')
    const rows = await proposeOptimal(page, s.round)
    const on = (app: App) => rows.find((r) => r.application_id === app.id)?.experts.map((e) => e.user_id) ?? []
    expect(on(app1)).toHaveLength(1)
    expect(on(app2)).toHaveLength(1)
    const e1 = byId.get(on(app1)[0]!)!
    const e2 = byId.get(on(app2)[0]!)!
    expect(e1, 'a test expert is proposed for the first application').toBeTruthy()
    expect(e2, 'a test expert is proposed for the second application').toBeTruthy()
    const free = s.experts.find((e) => e.user_id !== e1.user_id && e.user_id !== e2.user_id)!
    expect(free, 'one expert is left free').toBeTruthy()

    await test.step('多加一位专家：人数超过 k = 1，显示原因，不能确认；删去后恢复', async () => {
      await addToProposal(page, app1.id, free)
      await checked(page)
      await expect(page.getByTestId(`proposal-violations-${app1.id}`)).toContainText('需要 1 名专家，当前 2 名')
      await expect(page.getByTestId('assign-commit')).toBeDisabled()
      await removeFromProposal(page, app1.id, free.user_id)
      await checked(page)
      await expect(page.getByTestId(`proposal-violations-${app1.id}`)).toHaveCount(0)
      await expect(page.getByTestId('assign-commit')).toBeEnabled()
    })

    await test.step('把第一份申报的专家也派给第二份：超过其最大评审量，显示原因，不能确认', async () => {
      await removeFromProposal(page, app2.id, e2.user_id)
      await addToProposal(page, app2.id, e1)
      await checked(page)
      await expect(page.getByTestId('assign-violations')).toContainText('有 1 处不符合分配规则')
      const load = page.getByTestId('loads-table').locator('tbody tr').filter({ hasText: e1.name })
      await expect(load).toContainText('2 / 1')
      await expect(load).toContainText(`${e1.name} 的评审量 2 超过可承担的 1`)
      await expect(page.getByTestId('assign-commit')).toBeDisabled()
    })

    await test.step('改派给空闲的专家：规则都满足，确认分配', async () => {
      await removeFromProposal(page, app2.id, e1.user_id)
      await addToProposal(page, app2.id, free)
      await checked(page)
      await expect(page.getByTestId('assign-violations')).toHaveCount(0)
      await expect(page.getByTestId('assign-commit')).toBeEnabled()
      await page.getByTestId('assign-commit').click()
      const box = page.locator('.el-message-box')
      await expect(box).toContainText('为 2 项申报分配共 2 个评审任务')
      const committed = page.waitForResponse((r) => r.url().endsWith(`/api/rounds/${s.round.id}/assignment/commit`) && r.request().method() === 'POST')
      await box.getByRole('button', { name: '确认分配', exact: true }).click()
      const res = await committed
      expect(res.status(), `commit: ${await res.text()}`).toBe(200)
      await expect(page.getByTestId('proposal')).toHaveCount(0)
    })

    await test.step('已确认的分配与调整后的方案一致', async () => {
      const list = await office.get<Assignment[]>(`/api/rounds/${s.round.id}/assignments`)
      const pairs = list.map((a) => [a.application_id, a.user_id, a.status, a.source]).sort()
      // The expert placed by hand is recorded as such; the assigner's choice keeps its mode.
      expect(pairs).toEqual([
        [app1.id, e1.user_id, 'invited', 'optimal'],
        [app2.id, free.user_id, 'invited', 'manual'],
      ].sort())
      const table = page.getByTestId('assignments-table').locator('.el-table__body-wrapper tbody tr')
      await expect(table).toHaveCount(2)
      for (const a of list) {
        await expect(page.getByTestId(`assignment-expert-${a.id}`)).toHaveText(a.user_id === e1.user_id ? e1.name : free.name)
        await expect(page.getByTestId(`assignment-status-${a.id}`)).toHaveText('已邀请')
        await expect(table.filter({ has: page.getByTestId(`assignment-expert-${a.id}`) })).toContainText(a.user_id === free.user_id ? '手动调整' : '最优分配')
        await expect(table.filter({ has: page.getByTestId(`assignment-expert-${a.id}`) })).toContainText(a.application_id === app1.id ? app1.number : app2.number)
      }
      await expect(page.getByTestId('assignments-table')).not.toContainText(e2.name)
    })
    await office.dispose()
  })

  test('专家拒绝评审任务（须填原因）；项目办看到拒绝及原因和推荐的替换专家，改派给有利益冲突的专家被拒绝并显示原因，按推荐确认后新专家收到邀请', async ({ page, browser }) => {
    test.setTimeout(150_000)
    const batch = newBatch()
    const office = await ApiClient.as('office')
    const s = await setting(office, '拒绝', ['lingnan.admin'], [newExpert(batch, 'decliner'), newExpert(batch, 'stand-in'), newExpert(batch, 'conflicted')])
    const [decliner, standIn, conflicted] = s.experts as [PoolExpert, PoolExpert, PoolExpert]
    const app = s.apps[0]!
    // The third expert declared a conflict with this application (recorded by the office).
    await office.expect('PUT', `/api/experts/${conflicted.user_id}`, expertBody(conflicted, { conflict_application_ids: [app.id] }), 200)
    await commit(office, s.round, [{ application_id: app.id, user_id: decliner.user_id }])
    const [task] = await office.get<Assignment[]>(`/api/rounds/${s.round.id}/assignments`)
    const reason = `本人近期赴外地参加学术会议，无法在评审期限内完成评审（${batch}）。`

    await test.step('专家：拒绝时不填原因会被提示，填写原因后拒绝', async () => {
      const expert = await newUserPage(browser)
      try {
        await login(expert, decliner.login, decliner.password)
        await expert.getByTestId('nav-my-reviews').click()
        await expect(expert.getByTestId(`my-status-${task!.id}`)).toHaveText('已邀请')
        await expert.getByTestId(`my-decline-${task!.id}`).click()
        const dialog = expert.getByTestId('decline-dialog')
        await expect(dialog).toBeVisible()
        await expect(dialog).toContainText('拒绝后项目办将为该申报另行安排专家')
        await expert.getByTestId('decline-submit').click()
        await expect(dialog).toContainText('请填写拒绝原因')
        await expect(expert.getByTestId(`my-status-${task!.id}`)).toHaveText('已邀请')

        await expert.getByTestId('decline-reason').fill(reason)
        const declined = expert.waitForResponse((r) => r.url().endsWith(`/api/assignments/${task!.id}/decline`) && r.request().method() === 'POST')
        await expert.getByTestId('decline-submit').click()
        expect((await declined).status()).toBe(200)
        await expect(dialog).toBeHidden()
        await expect(toast(expert, 'success', '已拒绝，项目办将另行安排专家')).toBeVisible()
        await expect(expert.getByTestId(`my-status-${task!.id}`)).toHaveText('已拒绝')
        await expect(expert.getByTestId(`my-accept-${task!.id}`)).toHaveCount(0)
        await expect(expert.getByTestId(`my-decline-${task!.id}`)).toHaveCount(0)
      } finally {
        await expert.context().close()
      }
    })

    const list = await office.get<Assignment[]>(`/api/rounds/${s.round.id}/assignments`)
    const proposed = list.find((a) => a.replaces_id === task!.id)
    expect(proposed, 'a replacement is proposed for the declined slot').toBeTruthy()
    expect(proposed!.status).toBe('proposed')
    expect(proposed!.user_id, 'the only eligible expert is proposed').toBe(standIn.user_id)

    await login(page, 'office')
    await page.goto(`/rounds/${s.round.id}`)
    const table = page.getByTestId('assignments-table')

    await test.step('项目办：分配列表显示「已拒绝」、拒绝原因和待确认的替换专家', async () => {
      await expect(page.getByTestId(`assignment-status-${task!.id}`)).toHaveText('已拒绝')
      const declinedRow = table.locator('.el-table__body-wrapper tbody tr').filter({ has: page.getByTestId(`assignment-expert-${task!.id}`) })
      await expect(declinedRow).toContainText(decliner.name)
      await expect(declinedRow).toContainText(reason)
      await expect(page.getByTestId(`assignment-status-${proposed!.id}`)).toHaveText('待确认替换')
      await expect(page.getByTestId(`assignment-expert-${proposed!.id}`)).toHaveText(standIn.name)
      const proposedRow = table.locator('.el-table__body-wrapper tbody tr').filter({ has: page.getByTestId(`assignment-expert-${proposed!.id}`) })
      await expect(proposedRow).toContainText(`替换 #${task!.id}`)
    })

    await test.step('改派给声明了利益相关的专家：服务器拒绝，对话框显示原因', async () => {
      await page.getByTestId(`assignment-confirm-${proposed!.id}`).click()
      const dialog = page.getByTestId('replace-dialog')
      await expect(dialog).toBeVisible()
      await expect(dialog).toContainText(`原评审专家“${decliner.name}”已拒绝`)
      await selectOption(page, 'replace-other', new RegExp(`^\\s*${escapeRegExp(conflicted.name)} · `))
      const refused = page.waitForResponse((r) => r.url().endsWith(`/api/assignments/${proposed!.id}/confirm`) && r.request().method() === 'POST')
      await page.getByTestId('replace-save').click()
      expect((await refused).status()).toBe(422)
      await expect(dialog.locator('.el-alert--error')).toContainText(`${conflicted.name}：本人声明与该申报存在利害关系，须回避`)
      await expect(page.getByTestId(`assignment-status-${proposed!.id}`)).toHaveText('待确认替换')
      await dialog.getByRole('button', { name: '取消', exact: true }).click()
      await expect(dialog).toBeHidden()
    })

    await test.step('按系统推荐确认替换：新专家变为「已邀请」并收到通知', async () => {
      await page.getByTestId(`assignment-confirm-${proposed!.id}`).click()
      const dialog = page.getByTestId('replace-dialog')
      await expect(dialog).toBeVisible()
      await expect(dialog.locator('.el-alert--error')).toHaveCount(0)
      const confirmed = page.waitForResponse((r) => r.url().endsWith(`/api/assignments/${proposed!.id}/confirm`) && r.request().method() === 'POST')
      await page.getByTestId('replace-save').click()
      expect((await confirmed).status()).toBe(200)
      await expect(dialog).toBeHidden()
      await expect(toast(page, 'success', '替换已确认')).toBeVisible()
      await expect(page.getByTestId(`assignment-status-${proposed!.id}`)).toHaveText('已邀请')
      await expect(page.getByTestId(`assignment-expert-${proposed!.id}`)).toHaveText(standIn.name)
      await expect(page.getByTestId(`assignment-status-${task!.id}`)).toHaveText('已拒绝')

      const api = await ApiClient.as(standIn.login, standIn.password)
      try {
        const notes = await api.get<{ title: string; read_at: string | null }[]>('/api/notifications')
        expect(notes.filter((n) => n.title === TASK_TITLE && !n.read_at)).toHaveLength(1)
        const mine = await api.get<{ id: number; status: string }[]>('/api/my/assignments')
        expect(mine.map((m) => [m.id, m.status])).toEqual([[proposed!.id, 'invited']])
      } finally {
        await api.dispose()
      }
    })
    await office.dispose()
  })
})
