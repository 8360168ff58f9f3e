/** UI and API helpers shared by the specs. */
import { expect, request as pwRequest, type APIRequestContext, type APIResponse, type Browser, type Locator, type Page } from '@playwright/test'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { baseURL, PASSWORD } from './env'

/** Logs in through the login page and waits until the app frame is shown. */
export async function login(page: Page, loginName: string, password = PASSWORD): Promise<void> {
  if (!/\/login(\?|$)/.test(page.url())) await page.goto('/login')
  expect(await submitLogin(page, loginName, password), `login of ${loginName}`).toBe(200)
  await expect(page).not.toHaveURL(/\/login/)
  await expect(page.getByTestId('header-user')).toBeVisible()
}

/**
 * Submits the login form once and returns the HTTP status of POST /api/auth/login.
 * A 403 is skipped: when the page still holds the CSRF token of a session that has since
 * ended, the SPA gets 403 csrf_failed, fetches a fresh token and retries once by itself.
 */
export async function submitLogin(page: Page, loginName: string, password: string): Promise<number> {
  await page.getByTestId('login-login').fill(loginName)
  await page.getByTestId('login-password').fill(password)
  // Leaving an empty box shows "请输入…" under it (blur-triggered rule, e.g. after a failed
  // attempt the app empties and focuses the password box, and we then type the login). While
  // such a message appears or goes, the submit button slides and a click can land on the form
  // instead. So: blur, wait until no message is left, then click a settled button.
  await page.getByTestId('login-password').blur()
  await expect(page.locator('form .el-form-item__error')).toHaveCount(0)
  const res = page.waitForResponse(
    (r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST' && r.status() !== 403,
  )
  await page.getByTestId('login-submit').click()
  return (await res).status()
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')
}

function exact(text: string): RegExp {
  return new RegExp('^\\s*' + escapeRegExp(text) + '\\s*$')
}

/**
 * Picks an option of an Element Plus select (testid on the root div.el-select). Options live
 * in a popper appended to <body>; a string matches the option text exactly.
 */
export async function selectOption(page: Page, testid: string, option: string | RegExp): Promise<void> {
  const select = page.getByTestId(testid)
  await select.click()
  const item = page
    .locator('.el-select-dropdown__item:visible')
    .filter({ hasText: typeof option === 'string' ? exact(option) : option })
  await expect(item).toHaveCount(1)
  await item.click()
  // Wait for the popper to fade out so its items can't be mistaken for the next select's.
  await expect(page.locator('.el-select__popper:visible')).toHaveCount(0)
}

/** The form item (label, control, error) that holds the control with this testid. */
export function formItem(page: Page, testid: string): Locator {
  return page.locator('.el-form-item', { has: page.getByTestId(testid) })
}

/** The validation message shown beside the control with this testid. */
export function fieldError(page: Page, testid: string): Locator {
  return formItem(page, testid).locator('.el-form-item__error')
}

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

function usccCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!
}

let usccCounter = 0
/**
 * A fresh 统一社会信用代码 (GB 32100-2015) with a valid check character, unique per run and
 * call, and the same code with a wrong check character.
 */
export function makeUscc(prefix = '12320000'): { valid: string; wrong: string } {
  let n = Date.now() * 100 + (usccCounter++ % 100)
  let body = ''
  for (let i = 0; i < 17 - prefix.length; i++) {
    body = USCC_CHARSET[n % 31] + body
    n = Math.floor(n / 31)
  }
  const first17 = prefix + body
  const check = usccCheckChar(first17)
  const wrong = USCC_CHARSET[(USCC_CHARSET.indexOf(check) + 1) % USCC_CHARSET.length]!
  return { valid: first17 + check, wrong: first17 + wrong }
}

/** A unique suffix for names typed by a test (the PostgreSQL database may be reused). */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1296).toString(36).toUpperCase()}`
}

/** A response's status and body, parsed as JSON when it is JSON. */
async function answer(res: APIResponse): Promise<{ status: number; body: any }> {
  const text = await res.text()
  let body: any = text
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    /* not JSON */
  }
  return { status: res.status(), body }
}

/**
 * An API client with its own cookie jar, like a second browser. `csrf` is refreshed from
 * GET /api/auth/session (anonymous double-submit token) and replaced by the login's token.
 */
export class ApiClient {
  private csrf = ''
  private constructor(readonly ctx: APIRequestContext) {}

  static async create(): Promise<ApiClient> {
    const ctx = await pwRequest.newContext({ baseURL: baseURL() })
    const c = new ApiClient(ctx)
    await c.refresh()
    return c
  }

  async refresh(): Promise<void> {
    const res = await this.ctx.get('/api/auth/session')
    expect(res.status()).toBe(200)
    this.csrf = (await res.json()).csrf_token
  }

  async post(path: string, data: unknown): Promise<{ status: number; body: any }> {
    const res = await this.ctx.post(path, { data, headers: { 'X-CSRF-Token': this.csrf } })
    const text = await res.text()
    return { status: res.status(), body: text ? JSON.parse(text) : undefined }
  }

  async login(loginName: string, password: string): Promise<{ status: number; body: any }> {
    const r = await this.post('/api/auth/login', { login: loginName, password })
    if (r.status === 200) this.csrf = r.body.csrf_token
    return r
  }

  /** A client logged in as `loginName` (the suite's password); fails the test otherwise. */
  static async as(loginName: string, password = PASSWORD): Promise<ApiClient> {
    const c = await ApiClient.create()
    const r = await c.login(loginName, password)
    expect(r.status, `API login of ${loginName}: ${JSON.stringify(r.body)}`).toBe(200)
    return c
  }

  /** Any method; the body is parsed as JSON when it is JSON. */
  async send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: unknown): Promise<{ status: number; body: any }> {
    const res = await this.ctx.fetch(path, {
      method,
      data: method === 'GET' || method === 'DELETE' ? undefined : (data ?? {}),
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': this.csrf },
    })
    return answer(res)
  }

  /** GET that must answer 200; returns the parsed body. */
  async get<T = any>(path: string): Promise<T> {
    const r = await this.send('GET', path)
    expect(r.status, `GET ${path}: ${JSON.stringify(r.body)}`).toBe(200)
    return r.body as T
  }

  /** A multipart POST of one file (as the SPA's uploads send it); the body is parsed as JSON when it is JSON. */
  async upload(path: string, field: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<{ status: number; body: any }> {
    const res = await this.ctx.post(path, { multipart: { [field]: file }, headers: { 'X-CSRF-Token': this.csrf } })
    return answer(res)
  }

  /** POST / PUT that must answer `status`; returns the parsed body. */
  async expect<T = any>(method: 'POST' | 'PUT', path: string, data: unknown, status: number): Promise<T> {
    const r = await this.send(method, path, data)
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status)
    return r.body as T
  }

  async dispose(): Promise<void> {
    await this.ctx.dispose()
  }
}

/** A fresh page in its own browser context (own cookies and storage: a second or third user). */
export async function newUserPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: baseURL(),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  })
  return ctx.newPage()
}

/**
 * Lets the application editor settle before a click: leaves the focused control and waits until
 * the autosave has stored everything. Leaving a field marks it "touched", which shows the last
 * server check's message for it (e.g. 「请填写…」 for a field just filled in) until the save
 * answers; that message pushes everything below it down for a moment, and a click in that
 * moment lands on the wrong control (or, for a select, presses on it and releases elsewhere).
 */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-state', /^(saved|idle)$/, { timeout: 15_000 })
}

/** Ticks a radio or checkbox (testid on its clickable label) and checks that it took. */
export async function tick(page: Page, testid: string): Promise<void> {
  if (await page.getByTestId('app-editor').count()) await settle(page)
  const label = page.getByTestId(testid)
  await label.click()
  await expect(label).toHaveClass(/\bis-checked\b/)
}

/** The success / error toast (Element Plus ElMessage) with this text. */
export function toast(page: Page, kind: 'success' | 'error' | 'warning', text: string | RegExp): Locator {
  return page.locator(`.el-message--${kind}`).filter({ hasText: text })
}

/* ───────────── dates (Beijing, whatever the machine's zone) ───────────── */

/** `YYYY-MM-DD` in Beijing, `days` from today. */
export function beijingDate(days = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** The instant `date` 24:00 Beijing, i.e. the next day 00:00+08:00, as RFC 3339. */
export function endOfBeijingDay(date: string): string {
  const next = new Date(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000)
  return next.toISOString()
}

/* ───────────── calls and applications through the API ───────────── */

/** The demo enterprise every test application names as its partner, and its admin. */
export const PARTNER_ORG = '苏州纳芯碳化硅半导体有限公司'
export const PARTNER_ADMIN = 'naxin.admin'

export interface Direction {
  code: string
  name: string
}
/** The directions (申报方向) of a test call unless it names others. */
export const DIRECTIONS: Direction[] = [
  { code: 'power_devices', name: '功率电子器件' },
  { code: 'ic_design', name: '集成电路设计' },
]

export interface Call {
  id: number
  title: string
  deadline: string
  status: string
  [k: string]: unknown
}

/** The body of POST /api/calls: a published call, open since 30 days, closing `deadlineDate` 24:00 Beijing. */
export function callInput(title: string, deadlineDate: string, directions: Direction[] = DIRECTIONS) {
  return {
    field: 'advanced_semiconductor',
    title,
    doc_number: `端到端测试函【${beijingDate().slice(0, 4)}】${uniqueSuffix()} 号`,
    opens_at: new Date(Date.now() - 30 * 86_400_000).toISOString(),
    deadline: endOfBeijingDay(deadlineDate),
    status: 'published',
    contacts: [{ name: '黄老师', phone: '010-82387600', email: 'office@example.cn' }],
    postal_address: '北京市海淀区清华东路甲35号',
    postal_code: '100083',
    postal_recipient: '第三代半导体产业技术创新战略联盟',
    directions,
  }
}

/** Sets a test's call back to 草稿 (no longer offered to applicants), keeping everything else. */
export async function setCallDraft(office: ApiClient, id: number): Promise<void> {
  const c = await office.get<any>(`/api/calls/${id}`)
  const input = Object.fromEntries(Object.keys(callInput('', beijingDate())).map((k) => [k, c[k]]))
  await office.expect('PUT', `/api/calls/${id}`, { ...input, status: 'draft' }, 200)
}

export interface App {
  id: number
  number: string
  revision: number
  status: string
  submitted_version: number | null
  form: any
  form_errors: { field: string; message: string }[]
}

const para = (topic: string) =>
  `${topic}：学校围绕第三代半导体功率器件产业链，联合专精特新企业共建碳化硅功率模块实训基地与联合实验室，开展订单式人才培养和产教融合项目。`.repeat(3)

/** A complete 申报书 on top of the prefilled one (the lead's name comes from the organisation). */
export function completeForm(prefilled: any, institutionType: string, partner: { id: number; name: string }, direction = 'power_devices'): any {
  return {
    ...prefilled,
    lead: {
      ...prefilled.lead,
      institution_type: institutionType,
      nature: 'public',
      contact_name: '李老师',
      contact_title: '教务处处长/教授',
      contact_phone: '13912345678',
      contact_email: 'contact@example.edu.cn',
      profile: para('院校简介'),
      direction,
      supporting_projects: ['provincial_high_level'],
      supporting_projects_other: '',
      funding_sources: ['self_raised'],
      funding_sources_other: '',
    },
    partners: [
      {
        org_id: partner.id,
        name: partner.name,
        uscc: '',
        category: 'little_giant',
        contact: '张伟（人力资源总监）',
        contact_phone: '0512-68601234',
        contact_email: 'hr@example.cn',
        profile: para('单位简介'),
      },
    ],
    industry_education: { main_work: para('主要工作'), results: para('成效经验'), innovation: para('特色创新') },
    goals: {
      goals: para('建设目标'),
      plan: {
        management_body: para('联合管理机构'),
        research_institute: para('产教融合研究院'),
        teaching_resource_center: para('教育教学与资源中心'),
        practice_training_center: para('实践与实训中心'),
        innovation_cooperation_center: para('创新合作中心'),
        smart_cloud_platform: para('智慧云平台'),
      },
      innovation: para('创新特色'),
    },
    guarantees: { facilities: para('设施保障'), organisation: para('组织保障'), funding: '学校自筹800万元，地方政府配套500万元。', other: '' },
    commitment: { responsible_person: '王校长', agreed: true, office_meeting_approved: true, office_meeting_date: beijingDate(-3) },
  }
}

/**
 * A complete application of `uniLogin`'s university in `call` (direction `direction`, one of
 * the call's), confirmed by the partner and submitted (version 1), all through the API.
 */
export async function submittedApplication(uniLogin: string, call: Call, institutionType = 'undergraduate', direction = 'power_devices'): Promise<App> {
  const uni = await ApiClient.as(uniLogin)
  const partner = await ApiClient.as(PARTNER_ADMIN)
  try {
    const created = await uni.expect<App>('POST', '/api/applications', { call_id: call.id }, 201)
    const dir = await uni.get<{ id: number; name: string }[]>(`/api/directory/organizations?q=${encodeURIComponent('纳芯')}&kind=enterprise`)
    const org = dir.find((o) => o.name === PARTNER_ORG)
    expect(org, `${PARTNER_ORG} is in the directory`).toBeTruthy()
    const saved = await uni.expect<{ revision: number; form_errors: unknown[] }>(
      'PUT',
      `/api/applications/${created.id}/form`,
      { revision: created.revision, form: completeForm(created.form, institutionType, org!, direction) },
      200,
    )
    // Only the partner's confirmation may still be missing.
    expect(saved.form_errors.map((e: any) => e.field), JSON.stringify(saved.form_errors)).toEqual(
      saved.form_errors.length ? ['partners[0]'] : [],
    )
    await partner.expect('POST', `/api/applications/${created.id}/partners/${org!.id}/decision`, { decision: 'confirm', reason: '' }, 200)
    const fresh = await uni.get<App>(`/api/applications/${created.id}`)
    expect(fresh.form_errors, 'nothing blocks the submission').toEqual([])
    const submitted = await uni.expect<App>('POST', `/api/applications/${created.id}/submit`, { revision: fresh.revision }, 200)
    expect(submitted.status).toBe('submitted')
    expect(submitted.number, 'application number').toBeTruthy()
    return submitted
  } finally {
    await uni.dispose()
    await partner.dispose()
  }
}

/* ───────────── Excel files made by the tests ───────────── */

/** A zip archive of the entries (UTF-8 text), as the XLSX container. */
function zip(entries: [string, string][]): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(entries.map(([name, text]) => [name, strToU8(text)]))))
}

/** The entries of a zip archive (DOCX, XLSX) by name. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(new Uint8Array(buf))).map(([name, data]) => [name, Buffer.from(data)]))
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A1-style column letters of the 0-based column `c`. */
function columnName(c: number): string {
  let s = ''
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * A minimal .xlsx workbook of one sheet, as a spreadsheet program saves it: strings as inline
 * strings, numbers as numbers, empty strings left out.
 */
export function xlsx(rows: (string | number)[][], sheetName = 'Sheet1'): Buffer {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  const sheetRows = rows
    .map((cells, r) => {
      const cs = cells
        .map((v, c) => {
          const ref = `${columnName(c)}${r + 1}`
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`
          if (v === '') return ''
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(v)}</t></is></c>`
        })
        .join('')
      return `<row r="${r + 1}">${cs}</row>`
    })
    .join('')
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
  return zip([
    [
      '[Content_Types].xml',
      `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `${decl}<workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="${xmlEscape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ],
    ['xl/worksheets/sheet1.xml', `${decl}<worksheet xmlns="${ns}"><sheetData>${sheetRows}</sheetData></worksheet>`],
  ])
}

/**
 * On a round's 分配 tab: runs the optimal dry run and checks it answers a feasible proposal that
 * can be committed as it is; returns the answer's body.
 */
export async function runOptimalDryRun(page: Page, roundId: number): Promise<any> {
  const proposed = page.waitForResponse((r) => r.url().endsWith(`/api/rounds/${roundId}/assignment/propose`) && r.request().method() === 'POST')
  await page.getByTestId('assign-optimal').click()
  const res = await proposed
  expect(res.status(), 'optimal dry run').toBe(200)
  const body = await res.json()
  expect(body.infeasible, `the optimal dry run is feasible: ${JSON.stringify(body.infeasible)}`).toBeNull()
  await expect(page.getByTestId('proposal-table').locator('tbody tr').first()).toBeVisible()
  await expect(page.getByTestId('assign-commit')).toBeEnabled()
  return body
}
