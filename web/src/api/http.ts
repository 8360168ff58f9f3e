/**
 * Thin fetch wrapper for the Chanjiao API.
 *
 * - same-origin cookies (HttpOnly session cookie is sent automatically);
 * - every non-GET request carries `X-CSRF-Token` and `Content-Type: application/json`;
 * - every 4xx/5xx becomes an {@link ApiError} built from the `{"error": {...}}` envelope;
 * - a 401 `unauthenticated` / `session_expired` (outside login/session probing) calls the
 *   `onAuthLost` hook so the app can send the user to /login and bring them back afterwards;
 * - a 403 `csrf_failed` on a mutating request refreshes the token once and retries.
 *
 * The module knows nothing about Pinia, the router or i18n: those are wired in via
 * {@link configureHttp} so it stays unit-testable.
 */

export interface FieldError {
  field: string
  code: string
  message: string
}

export interface ErrorEnvelope {
  error: {
    code: string
    message: string
    fields?: FieldError[]
    request_id?: string
    locked_until?: string | null
  }
}

/** Codes meaning "your session is gone" — any call other than login/session probing redirects. */
export const AUTH_LOST_CODES: readonly string[] = ['unauthenticated', 'session_expired']

/** Pseudo-codes produced client-side (they have translations like the server's codes). */
export const NETWORK_ERROR = 'network_error'
export const BAD_RESPONSE = 'bad_response'

export class ApiError extends Error {
  /** HTTP status; 0 when the request never got a response. */
  readonly status: number
  /** Machine-readable code from `error.code` (or a client pseudo-code). */
  readonly code: string
  /** The server's zh-CN message; fallback text when no translation exists. */
  readonly serverMessage: string
  readonly fields: FieldError[]
  readonly requestId: string | null
  /** ISO time, only for `account_locked`. */
  readonly lockedUntil: string | null

  constructor(init: {
    status: number
    code: string
    message?: string
    fields?: FieldError[]
    requestId?: string | null
    lockedUntil?: string | null
  }) {
    super(init.message || init.code)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.serverMessage = init.message ?? ''
    this.fields = init.fields ?? []
    this.requestId = init.requestId ?? null
    this.lockedUntil = init.lockedUntil ?? null
  }

  get isAuthLost(): boolean {
    return this.status === 401 && AUTH_LOST_CODES.includes(this.code)
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

function isFieldError(v: unknown): v is FieldError {
  if (!v || typeof v !== 'object') return false
  const f = v as Record<string, unknown>
  return typeof f.field === 'string' && typeof f.code === 'string'
}

/** Fallback code for a status when the body is not the documented envelope. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_json'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 422:
      return 'validation_failed'
    case 429:
      return 'rate_limited'
    default:
      return status >= 500 ? 'internal' : BAD_RESPONSE
  }
}

/** Build an ApiError from a status and a parsed (or unparseable) body. Pure; unit-tested. */
export function toApiError(status: number, body: unknown): ApiError {
  const env = body && typeof body === 'object' ? (body as Partial<ErrorEnvelope>).error : undefined
  if (env && typeof env === 'object' && typeof env.code === 'string' && env.code) {
    const fields = Array.isArray(env.fields)
      ? env.fields.filter(isFieldError).map((f) => ({
          field: f.field,
          code: f.code,
          message: typeof f.message === 'string' ? f.message : '',
        }))
      : []
    return new ApiError({
      status,
      code: env.code,
      message: typeof env.message === 'string' ? env.message : '',
      fields,
      requestId: typeof env.request_id === 'string' ? env.request_id : null,
      lockedUntil: typeof env.locked_until === 'string' ? env.locked_until : null,
    })
  }
  return new ApiError({ status, code: codeForStatus(status) })
}

export interface HttpHooks {
  /** Current CSRF token (from the session store). */
  getCsrfToken: () => string
  /** Fetch a fresh token (GET /api/auth/session); used once after a `csrf_failed`. */
  refreshCsrfToken?: () => Promise<string>
  /** Session is gone: remember the route and go to /login. */
  onAuthLost?: (err: ApiError) => void
}

const hooks: HttpHooks = { getCsrfToken: () => '' }

export function configureHttp(h: Partial<HttpHooks>): void {
  Object.assign(hooks, h)
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

/** `?a=1&b=x`, skipping undefined/null/"" so optional filters simply disappear. */
export function buildQuery(query?: Query): string {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    p.append(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  body?: unknown
  query?: Query
  /**
   * The call itself decides about authentication (login, session probe):
   * a 401 is just an error for the caller, no redirect.
   */
  authProbe?: boolean
  signal?: AbortSignal
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined
  const text = await res.text()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

async function send(path: string, opts: RequestOptions, csrf: string): Promise<Response> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  const multipart = typeof FormData !== 'undefined' && opts.body instanceof FormData
  if (method !== 'GET') {
    // Multipart bodies get their Content-Type (with the boundary) from fetch itself.
    if (!multipart) headers['Content-Type'] = 'application/json'
    headers['X-CSRF-Token'] = csrf
  }
  let body: BodyInit | undefined
  // POST/PUT always carry a JSON document ("{}" when there is nothing to say); GET/DELETE none.
  if (multipart) body = opts.body as FormData
  else if (method === 'POST' || method === 'PUT') body = JSON.stringify(opts.body ?? {})
  try {
    return await fetch(path + buildQuery(opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body,
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError({ status: 0, code: NETWORK_ERROR })
  }
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET'
  let res = await send(path, opts, hooks.getCsrfToken())
  let body = await readBody(res)

  if (!res.ok && res.status === 403 && method !== 'GET' && hooks.refreshCsrfToken) {
    const err = toApiError(res.status, body)
    if (err.code === 'csrf_failed') {
      const token = await hooks.refreshCsrfToken()
      res = await send(path, opts, token)
      body = await readBody(res)
    }
  }

  if (!res.ok) {
    const err = toApiError(res.status, body)
    if (err.isAuthLost && !opts.authProbe) hooks.onAuthLost?.(err)
    throw err
  }
  return body as T
}

export const http = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'method' | 'query'> = {}) =>
    request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...opts, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...opts, method: 'PUT', body }),
  del: <T = void>(path: string, opts: Omit<RequestOptions, 'method'> = {}) =>
    request<T>(path, { ...opts, method: 'DELETE' }),
  /** multipart/form-data POST (file uploads); same CSRF, error and auth handling as JSON calls. */
  upload: <T>(path: string, form: FormData, opts: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...opts, method: 'POST', body: form }),
}
