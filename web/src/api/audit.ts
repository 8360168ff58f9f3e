import { http } from './http'
import type { AuditEntry, AuditQuery, AuditVerifyResult, Page } from './types'

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
