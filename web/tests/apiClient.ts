import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { configureHttp } from '../src/api/http'

/** One API-client case: name, the call, and the method, URL and JSON body it must send. */
export type ClientCase = [string, () => Promise<unknown>, string, string, unknown]

/**
 * For API-client tests (call inside `describe`): `fetch` is stubbed to answer 200 `{}`, and
 * `call(i)` reads back what the i-th request sent.
 */
export function useFetchMock() {
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

  /** Each case sends exactly its method, URL and body, with the CSRF token unless a GET. */
  function itSendsEach(cases: ClientCase[]) {
    it.each(cases)('%s', async (_name, fn, method, url, body) => {
      await fn()
      const c = call()
      expect(c.method).toBe(method)
      expect(c.url).toBe(url)
      expect(c.body).toEqual(body)
      if (method !== 'GET') expect(c.csrf).toBe('tok')
    })
  }

  return { fetchMock, onAuthLost, ok, call, itSendsEach }
}
