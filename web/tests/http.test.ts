import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, configureHttp, http, toApiError } from '../src/api/http'
import { errorMessage } from '../src/utils/errorMessage'
import { testTranslator } from './translator'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

/** Resolve with the thrown ApiError (fails the test if the call succeeds). */
function failure(p: Promise<unknown>): Promise<ApiError> {
  return p.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (e: ApiError) => e,
  )
}

const envelope = (code: string, extra: Record<string, unknown> = {}) => ({
  error: { code, message: `server:${code}`, fields: [], request_id: 'req-1', ...extra },
})

describe('toApiError', () => {
  it('reads the documented envelope', () => {
    const e = toApiError(422, {
      error: {
        code: 'validation_failed',
        message: '校验失败',
        fields: [{ field: 'uscc', code: 'uscc_checksum', message: '校验位错误' }],
        request_id: 'abc',
      },
    })
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(422)
    expect(e.code).toBe('validation_failed')
    expect(e.serverMessage).toBe('校验失败')
    expect(e.fields).toEqual([{ field: 'uscc', code: 'uscc_checksum', message: '校验位错误' }])
    expect(e.requestId).toBe('abc')
  })

  it('keeps locked_until for account_locked', () => {
    const e = toApiError(429, envelope('account_locked', { locked_until: '2025-01-01T02:15:00Z' }))
    expect(e.code).toBe('account_locked')
    expect(e.lockedUntil).toBe('2025-01-01T02:15:00Z')
  })

  it('falls back to a status code mapping for non-envelope bodies', () => {
    expect(toApiError(502, undefined).code).toBe('internal')
    expect(toApiError(404, '<html>').code).toBe('not_found')
    expect(toApiError(429, {}).code).toBe('rate_limited')
    expect(toApiError(418, null).code).toBe('bad_response')
  })

  it('drops malformed field entries', () => {
    const e = toApiError(422, { error: { code: 'validation_failed', message: '', fields: [{ nope: 1 }, { field: 'name', code: 'required' }] } })
    expect(e.fields).toEqual([{ field: 'name', code: 'required', message: '' }])
  })

  it('flags lost sessions only for 401 unauthenticated/session_expired', () => {
    expect(toApiError(401, envelope('session_expired')).isAuthLost).toBe(true)
    expect(toApiError(401, envelope('unauthenticated')).isAuthLost).toBe(true)
    expect(toApiError(401, envelope('invalid_credentials')).isAuthLost).toBe(false)
    expect(toApiError(403, envelope('forbidden')).isAuthLost).toBe(false)
  })
})

describe('errorMessage (code → i18n)', () => {
  const tr = testTranslator('zh-CN')

  it('translates known codes', () => {
    expect(errorMessage(toApiError(401, envelope('invalid_credentials')), tr)).toBe('登录名或密码错误')
    expect(errorMessage(toApiError(409, envelope('role_conflict')), tr)).toContain('三员分立')
  })

  it('falls back to the server message for unknown codes', () => {
    const e = toApiError(400, { error: { code: 'brand_new_code', message: '服务器的说明' } })
    expect(errorMessage(e, tr)).toBe('服务器的说明')
  })

  it('falls back to a generic text when there is nothing else', () => {
    expect(errorMessage(toApiError(400, { error: { code: 'brand_new_code', message: '' } }), tr)).toBe(
      tr.t('errors.unknown'),
    )
    expect(errorMessage(new Error('boom'), tr)).toBe(tr.t('errors.unknown'))
  })

  it('shows the lock end in Asia/Shanghai time', () => {
    const e = toApiError(429, envelope('account_locked', { locked_until: '2025-01-01T02:15:00Z' }))
    expect(errorMessage(e, tr)).toContain('2025-01-01 10:15:00')
  })

  it('uses the 15-minute text when locked_until is absent', () => {
    expect(errorMessage(toApiError(429, envelope('account_locked')), tr)).toContain('15 分钟')
  })

  it('appends the request id for server errors', () => {
    expect(errorMessage(toApiError(500, envelope('internal')), tr)).toContain('req-1')
    expect(errorMessage(toApiError(404, envelope('not_found')), tr)).not.toContain('req-1')
  })

  it('translates to English', () => {
    const en = testTranslator('en')
    expect(errorMessage(toApiError(401, envelope('invalid_credentials')), en)).toBe('Wrong login name or password')
  })
})

describe('buildQuery', () => {
  it('skips empty values', () => {
    expect(buildQuery({ q: '', kind: 'university', page: 1, org_id: null, x: undefined })).toBe('?kind=university&page=1')
    expect(buildQuery({})).toBe('')
  })
})

describe('request()', () => {
  const fetchMock = vi.fn<typeof fetch>()
  const onAuthLost = vi.fn()
  let token = 'tok-1'

  beforeEach(() => {
    fetchMock.mockReset()
    onAuthLost.mockReset()
    token = 'tok-1'
    vi.stubGlobal('fetch', fetchMock)
    configureHttp({
      getCsrfToken: () => token,
      refreshCsrfToken: async () => {
        token = 'tok-2'
        return token
      },
      onAuthLost,
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('GET sends no CSRF header and same-origin credentials', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [], total: 0 }))
    const res = await http.get('/api/organizations', { q: '', page: 2 })
    expect(res).toEqual({ items: [], total: 0 })
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/organizations?page=2')
    expect(init?.credentials).toBe('same-origin')
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined()
  })

  it('POST sends JSON with the CSRF token', async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 1 }))
    await http.post('/api/organizations', { name: 'x', city: null })
    const [, init] = fetchMock.mock.calls[0]!
    const headers = init?.headers as Record<string, string>
    expect(init?.method).toBe('POST')
    expect(headers['X-CSRF-Token']).toBe('tok-1')
    expect(headers['Content-Type']).toBe('application/json')
    expect(init?.body).toBe('{"name":"x","city":null}')
  })

  it('upload sends multipart with the CSRF token and lets fetch set the boundary', async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 9 }))
    const form = new FormData()
    form.append('kind', 'notice')
    form.append('file', new Blob(['%PDF-1.4']), 'a.pdf')
    await http.upload('/api/calls/1/attachments', form)
    const [url, init] = fetchMock.mock.calls[0]!
    const headers = init?.headers as Record<string, string>
    expect(url).toBe('/api/calls/1/attachments')
    expect(init?.method).toBe('POST')
    expect(headers['X-CSRF-Token']).toBe('tok-1')
    expect(headers['Content-Type']).toBeUndefined()
    expect(init?.body).toBe(form)
  })

  it('204 resolves to undefined', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(http.post('/api/auth/logout')).resolves.toBeUndefined()
  })

  it('throws ApiError with field errors on 422 and does not report auth loss', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(422, {
        error: { code: 'validation_failed', message: 'x', fields: [{ field: 'contact_phone', code: 'phone_format', message: 'y' }], request_id: 'r' },
      }),
    )
    const err = await failure(http.post('/api/organizations', {}))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.fields[0].field).toBe('contact_phone')
    expect(onAuthLost).not.toHaveBeenCalled()
  })

  it('reports a lost session on 401 session_expired', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, envelope('session_expired')))
    const err = await failure(http.put('/api/organizations/3', {}))
    expect(err.code).toBe('session_expired')
    expect(onAuthLost).toHaveBeenCalledTimes(1)
  })

  it('does not redirect for login (authProbe)', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, envelope('unauthenticated')))
    await http.post('/api/auth/login', {}, { authProbe: true }).catch(() => undefined)
    expect(onAuthLost).not.toHaveBeenCalled()
  })

  it('refreshes the CSRF token once and retries on csrf_failed', async () => {
    fetchMock
      .mockResolvedValueOnce(jsonResponse(403, envelope('csrf_failed')))
      .mockResolvedValueOnce(jsonResponse(201, { id: 7 }))
    await expect(http.post('/api/users', {})).resolves.toEqual({ id: 7 })
    expect(fetchMock).toHaveBeenCalledTimes(2)
    const headers = fetchMock.mock.calls[1]![1]?.headers as Record<string, string>
    expect(headers['X-CSRF-Token']).toBe('tok-2')
  })

  it('maps network failures to network_error', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const err = await failure(http.get('/api/meta'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(0)
    expect(err.code).toBe('network_error')
  })

  it('tolerates a non-JSON error body', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad Gateway</html>', { status: 502 }))
    const err = await failure(http.get('/api/meta'))
    expect(err.code).toBe('internal')
  })
})
