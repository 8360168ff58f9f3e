/** The header bell's notifications (NotificationBell): unread count and where a link may go. Unit-tested (tests/notifications/notifications.test.ts). */

export function unreadCount(list: readonly { read_at: string | null }[]): number {
  return list.filter((n) => !n.read_at).length
}

/**
 * Where a notification's link may take the user: same-site paths only (`/my-reviews/7`);
 * absolute URLs on this origin are reduced to their path; anything else is null (not followed).
 */
export function safeLink(link: string | null | undefined, origin?: string): string | null {
  if (!link) return null
  const l = link.trim()
  if (l.startsWith('/') && !l.startsWith('//')) return l
  if (origin && l.startsWith(origin + '/')) return l.slice(origin.length)
  return null
}

/**
 * The page of the app a notification's link names. The server writes the app's own routes; rows
 * stored before it did carry `/reviews` (an expert's review tasks) and `/applications/{id}` (a
 * 立项 letter, to the lead and its partners), shown at `/my-reviews`, the lead's
 * `/applications/{id}/edit` and a partner's `/partner-applications`. Anything else is returned
 * as it is.
 */
export function notificationRoute(path: string, can: (capability: string) => boolean): string {
  const cut = path.search(/[?#]/)
  const pathname = cut < 0 ? path : path.slice(0, cut)
  const rest = cut < 0 ? '' : path.slice(cut)
  if (pathname === '/reviews' || pathname === '/reviews/') return '/my-reviews' + rest
  const app = /^\/applications\/(\d+)\/?$/.exec(pathname)
  if (app) {
    if (can('application.create')) return `/applications/${app[1]}/edit${rest}`
    if (can('application.partner')) return '/partner-applications'
  }
  return path
}
