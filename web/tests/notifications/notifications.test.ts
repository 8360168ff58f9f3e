import { describe, expect, it } from 'vitest'
import { notificationRoute, safeLink, unreadCount } from '../../src/views/notifications/notifications'

describe('notifications', () => {
  it('counts unread and follows same-site links only', () => {
    expect(unreadCount([{ read_at: null }, { read_at: '2026-01-01T00:00:00Z' }, { read_at: null }])).toBe(2)
    expect(safeLink('/my-reviews/7')).toBe('/my-reviews/7')
    expect(safeLink('//evil.example/x')).toBeNull()
    expect(safeLink('https://evil.example/x', 'https://chanjiao.example')).toBeNull()
    expect(safeLink('https://chanjiao.example/rounds/3', 'https://chanjiao.example')).toBe('/rounds/3')
    expect(safeLink(null)).toBeNull()
  })

  it('takes the links the server writes to the pages that show them', () => {
    const expert = (c: string) => c === 'review.expert'
    const lead = (c: string) => c === 'application.create'
    const partner = (c: string) => c === 'application.partner'
    // 新的评审任务 / 评审意见可以更正 link to /reviews: the expert's tasks are at /my-reviews.
    expect(notificationRoute('/reviews', expert)).toBe('/my-reviews')
    expect(notificationRoute('/reviews?round=3', expert)).toBe('/my-reviews?round=3')
    // 立项通知 links to /applications/{id}: the lead's page, or a partner's list.
    expect(notificationRoute('/applications/42', lead)).toBe('/applications/42/edit')
    expect(notificationRoute('/applications/42', partner)).toBe('/partner-applications')
    expect(notificationRoute('/applications/42', expert)).toBe('/applications/42')
    // Paths the app has are kept.
    expect(notificationRoute('/my-reviews/7', expert)).toBe('/my-reviews/7')
    expect(notificationRoute('/applications/42/edit', lead)).toBe('/applications/42/edit')
    expect(notificationRoute('/reviewsx', expert)).toBe('/reviewsx')
  })
})
