import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureHttp } from '../src/api/http'
import { notificationsApi } from '../src/api/notifications'

/** The client calls exactly the paths, methods and bodies of docs/API-review.md (notifications and mail). */
describe('notifications API client', () => {
  const fetchMock = vi.fn<typeof fetch>()
  const onAuthLost = vi.fn()
  const ok = (body: unknown = {}) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })

  beforeEach(() => {
    fetchMock.mockReset()
    onAuthLost.mockReset()
    fetchMock.mockImplementation(async () => ok())
    vi.stubGlobal('fetch', fetchMock)
    configureHttp({ getCsrfToken: () => 'tok', onAuthLost, refreshCsrfToken: undefined })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  function call(i = 0): { url: string; method: string; body: unknown; csrf: string | undefined } {
    const [url, init] = fetchMock.mock.calls[i]!
    const headers = (init?.headers ?? {}) as Record<string, string>
    const raw = init?.body
    return {
      url: String(url),
      method: init?.method ?? 'GET',
      body: typeof raw === 'string' ? JSON.parse(raw) : raw,
      csrf: headers['X-CSRF-Token'],
    }
  }

  const cases: [string, () => Promise<unknown>, string, string, unknown][] = [
    ['notifications', () => notificationsApi.notifications(), 'GET', '/api/notifications', undefined],
    ['read', () => notificationsApi.markRead(6), 'POST', '/api/notifications/6/read', {}],
    ['outbox', () => notificationsApi.outbox({ page: 1, per_page: 20 }), 'GET', '/api/outbox?page=1&per_page=20', undefined],
  ]

  it.each(cases)('%s', async (_name, fn, method, url, body) => {
    await fn()
    const c = call()
    expect(c.method).toBe(method)
    expect(c.url).toBe(url)
    expect(c.body).toEqual(body)
    if (method !== 'GET') expect(c.csrf).toBe('tok')
  })

  it('polls notifications without sending the user to the login page', async () => {
    fetchMock.mockImplementation(async () => new Response(JSON.stringify({ error: { code: 'session_expired', message: '' } }), { status: 401 }))
    await expect(notificationsApi.notifications({ poll: true })).rejects.toMatchObject({ status: 401 })
    expect(onAuthLost).not.toHaveBeenCalled()
    await expect(notificationsApi.notifications()).rejects.toMatchObject({ status: 401 })
    expect(onAuthLost).toHaveBeenCalledTimes(1)
  })
})
