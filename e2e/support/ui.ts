/** UI and API helpers shared by the specs. */
import { expect, request as pwRequest, type APIRequestContext, type Locator, type Page } from '@playwright/test'
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
    const text = await res.text()
    let body: any = text
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      /* not JSON */
    }
    return { status: res.status(), body }
  }

  /** GET that must answer 200; returns the parsed body. */
  async get<T = any>(path: string): Promise<T> {
    const r = await this.send('GET', path)
    expect(r.status, `GET ${path}: ${JSON.stringify(r.body)}`).toBe(200)
    return r.body as T
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
