import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureHttp } from '../src/api/http'
import { useSessionStore } from '../src/stores/session'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const me = { id: 1, login: 'office', name: '陈琛', org: null, roles: [], capabilities: ['org.list'], phone: null, email: null }

describe('session store: expiry renews the CSRF token', () => {
  const fetchMock = vi.fn<typeof fetch>()

  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    setActivePinia(createPinia())
    const session = useSessionStore()
    configureHttp({ getCsrfToken: () => session.csrfToken, refreshCsrfToken: undefined, onAuthLost: undefined })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('markExpired drops the user and the stale token, then fetches a fresh token', async () => {
    const session = useSessionStore()
    session.setUser(me)
    session.csrfToken = 'old-token'
    fetchMock.mockResolvedValueOnce(json(200, { csrf_token: 'fresh-token', user: null }))

    const done = session.markExpired()
    expect(session.user).toBeNull()
    expect(session.csrfToken).toBe('')
    await done
    expect(session.csrfToken).toBe('fresh-token')
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/auth/session')
  })

  it('the next login sends the fresh token and succeeds on the first try', async () => {
    const session = useSessionStore()
    session.setUser(me)
    session.csrfToken = 'old-token'
    fetchMock
      .mockResolvedValueOnce(json(200, { csrf_token: 'fresh-token', user: null }))
      .mockResolvedValueOnce(json(200, { csrf_token: 'after-login', user: me }))

    void session.markExpired()
    // Login right away, before the renewal has resolved: it must wait for it, not race it.
    await session.login('office', 'pw')

    expect(fetchMock).toHaveBeenCalledTimes(2)
    const [url, init] = fetchMock.mock.calls[1]!
    expect(url).toBe('/api/auth/login')
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('fresh-token')
    expect(session.csrfToken).toBe('after-login')
    expect(session.user?.login).toBe('office')
  })

  it('several 401s in a row fetch the token only once', async () => {
    const session = useSessionStore()
    session.csrfToken = 'old-token'
    let release: (r: Response) => void = () => undefined
    fetchMock.mockReturnValueOnce(new Promise<Response>((r) => (release = r)))
    const a = session.markExpired()
    const b = session.markExpired()
    release(json(200, { csrf_token: 'fresh-token', user: null }))
    await Promise.all([a, b])
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(session.csrfToken).toBe('fresh-token')
  })

  it('a failed renewal leaves no token, so login fetches one itself', async () => {
    const session = useSessionStore()
    session.csrfToken = 'old-token'
    fetchMock
      .mockRejectedValueOnce(new TypeError('offline'))
      .mockResolvedValueOnce(json(200, { csrf_token: 'late-token', user: null }))
      .mockResolvedValueOnce(json(200, { csrf_token: 'after-login', user: me }))
    await session.markExpired()
    expect(session.csrfToken).toBe('')
    await session.login('office', 'pw')
    const [url, init] = fetchMock.mock.calls[2]!
    expect(url).toBe('/api/auth/login')
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('late-token')
  })
})
