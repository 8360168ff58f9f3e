import { http } from './http'
import type { Page } from './common'

export type AuditResult = 'success' | 'failure' | 'denied'

export interface AuditEntry {
  id: number
  at: string
  actor_id: number | null
  actor_login: string | null
  role: string | null
  org_id: number | null
  action: string
  object_type: string | null
  object_id: string | number | null
  result: AuditResult | string
  ip: string | null
  request_id: string | null
  detail: unknown
}

export interface AuditQuery {
  actor?: string
  action?: string
  result?: string
  from?: string
  to?: string
  page?: number
  per_page?: number
}

export interface AuditVerifyResult {
  ok: boolean
  checked: number
  first_bad_id: number | null
  reason: string | null
}

/** Actions the server records; the filter also accepts free input for anything newer. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.lockout',
  'auth.logout',
  'auth.password_change',
  'org.create',
  'org.update',
  'user.create',
  'user.update',
  'role.grant',
  'role.revoke',
  'user.unlock',
  'user.password_reset',
  'application.create',
  'application.save',
  'application.submit',
  'application.invite',
  'application.partner_decision',
  'application.transition',
  'application.paper_copy',
  'application.export',
  'attachment.upload',
  'attachment.delete',
  'call.create',
  'call.update',
  'call.extend',
  'access.denied',
  'csrf.rejected',
] as const

export const AUDIT_RESULTS = ['success', 'failure', 'denied'] as const

export const auditApi = {
  list: (query: AuditQuery = {}) => http.get<Page<AuditEntry>>('/api/audit', { ...query }),
  verify: () => http.get<AuditVerifyResult>('/api/audit/verify'),
}
