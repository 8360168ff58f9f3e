import { describe, expect, it } from 'vitest'
import { type ClientCase, useFetchMock } from './apiClient'
import { notificationsApi } from '../src/api/notifications'

/** The client calls exactly the paths, methods and bodies of docs/API-review.md (notifications and mail). */
describe('notifications API client', () => {
  const { fetchMock, onAuthLost, itSendsEach } = useFetchMock()

  const cases: ClientCase[] = [
    ['notifications', () => notificationsApi.notifications(), 'GET', '/api/notifications', undefined],
    ['read', () => notificationsApi.markRead(6), 'POST', '/api/notifications/6/read', {}],
    ['outbox', () => notificationsApi.outbox({ page: 1, per_page: 20 }), 'GET', '/api/outbox?page=1&per_page=20', undefined],
  ]

  itSendsEach(cases)

  it('polls notifications without sending the user to the login page', async () => {
    fetchMock.mockImplementation(async () => new Response(JSON.stringify({ error: { code: 'session_expired', message: '' } }), { status: 401 }))
    await expect(notificationsApi.notifications({ poll: true })).rejects.toMatchObject({ status: 401 })
    expect(onAuthLost).not.toHaveBeenCalled()
    await expect(notificationsApi.notifications()).rejects.toMatchObject({ status: 401 })
    expect(onAuthLost).toHaveBeenCalledTimes(1)
  })
})
