/**
 * Notifications client: the in-app notifications (the header bell) and the mail outbox —
 * docs/API-review.md, one function per endpoint.
 */
import { http } from './http'
import type { Page } from './common'

export interface AppNotification {
  id: number
  title: string
  body: string
  link: string | null
  created_at: string
  read_at: string | null
}

export interface OutboxItem {
  id: number
  to_addr: string
  subject: string
  created_at: string
  sent_at: string | null
  attempts: number
  last_error: string | null
}

/* ───────────── calls ───────────── */

export const notificationsApi = {
  /** Polled by the header bell: a 401 is just an error here (no redirect to /login). */
  notifications: (opts: { poll?: boolean } = {}) =>
    http.get<AppNotification[]>('/api/notifications', undefined, { authProbe: !!opts.poll }),
  markRead: (id: number) => http.post<void>(`/api/notifications/${id}/read`),
  outbox: (query: { page?: number; per_page?: number } = {}) => http.get<Page<OutboxItem>>('/api/outbox', { ...query }),
}
