/** 申请回避 rows (AvoidRequestsCard). Unit-tested (tests/review/forms.test.ts). */
import type { AvoidRequest, AvoidRequestInput } from '../../api/review'

export const MAX_AVOID = 3

export function avoidToRows(items: readonly AvoidRequest[]): AvoidRequestInput[] {
  return items.map((a) => ({ name: a.name, affiliation: a.affiliation, reason: a.reason }))
}

/** Trimmed rows; a row left completely empty is dropped (an "add" clicked by mistake). */
export function avoidPayload(rows: readonly AvoidRequestInput[]): AvoidRequestInput[] {
  return rows
    .map((r) => ({ name: r.name.trim(), affiliation: r.affiliation.trim(), reason: r.reason.trim() }))
    .filter((r) => r.name || r.affiliation || r.reason)
}

/** The applicant may change its requests until the application is under review. */
export const AVOID_EDITABLE_STATUSES: readonly string[] = ['draft', 'returned', 'submitted', 'accepted_for_review']
