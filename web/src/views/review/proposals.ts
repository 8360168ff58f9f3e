/**
 * Editing an assignment proposal (RoundAssignmentTab): rows ↔ pairs, loads, violations on their
 * rows and tags, replacements and refusals. Pure, unit-tested (tests/review/proposals.test.ts).
 */
import type { FieldError } from '../../api/http'
import type { ExpertLoad, Pair, Proposal, ProposalExpert, ProposalRow, Violation } from '../../api/review'
import type { Translator } from '../../i18n'

export interface EditableExpert extends ProposalExpert {
  /** Added by hand (no fit computed by the assigner). */
  manual?: boolean
}

export interface EditableRow extends Omit<ProposalRow, 'experts'> {
  experts: EditableExpert[]
}

export function proposalToRows(p: Proposal): EditableRow[] {
  return p.rows.map((r) => ({ ...r, fields: [...(r.fields ?? [])], experts: r.experts.map((e) => ({ ...e })) }))
}

/**
 * The (application, expert) pairs the rows stand for, in row order; experts the office placed by
 * hand are marked `manual`, so their assignments are recorded as 手动调整.
 */
export function rowsToPairs(rows: readonly EditableRow[]): Pair[] {
  const out: Pair[] = []
  for (const r of rows)
    for (const e of r.experts) out.push({ application_id: r.application_id, user_id: e.user_id, ...(e.manual ? { manual: true } : {}) })
  return out
}

export function removeExpert(rows: readonly EditableRow[], applicationId: number, userId: number): EditableRow[] {
  return rows.map((r) => (r.application_id === applicationId ? { ...r, experts: r.experts.filter((e) => e.user_id !== userId) } : r))
}

/** Adds an expert to a row (no-op when already there). */
export function addExpert(rows: readonly EditableRow[], applicationId: number, expert: EditableExpert): EditableRow[] {
  return rows.map((r) => {
    if (r.application_id !== applicationId || r.experts.some((e) => e.user_id === expert.user_id)) return r
    return { ...r, experts: [...r.experts, { ...expert }] }
  })
}

/** Loads implied by the rows (the check's answer replaces them when it comes). */
export function loadsFromRows(rows: readonly EditableRow[], base: readonly ExpertLoad[]): ExpertLoad[] {
  const count = new Map<number, number>()
  const names = new Map<number, string>()
  for (const r of rows)
    for (const e of r.experts) {
      count.set(e.user_id, (count.get(e.user_id) ?? 0) + 1)
      names.set(e.user_id, e.name)
    }
  const out: ExpertLoad[] = base.map((l) => ({ ...l, load: count.get(l.user_id) ?? 0 }))
  for (const [id, n] of count) if (!base.some((l) => l.user_id === id)) out.push({ user_id: id, name: names.get(id) ?? String(id), load: n, max_load: 0 })
  return out
}

export interface GroupedViolations {
  /** application id → its violations */
  byApplication: Map<number, Violation[]>
  /** expert id → violations about that expert alone (max load) */
  byExpert: Map<number, Violation[]>
  /** Neither (shown above the table). */
  general: Violation[]
}

export function groupViolations(vs: readonly Violation[]): GroupedViolations {
  const g: GroupedViolations = { byApplication: new Map(), byExpert: new Map(), general: [] }
  for (const v of vs) {
    if (v.application_id !== null && v.application_id !== undefined) {
      const list = g.byApplication.get(v.application_id) ?? []
      list.push(v)
      g.byApplication.set(v.application_id, list)
    } else if (v.user_id !== null && v.user_id !== undefined) {
      const list = g.byExpert.get(v.user_id) ?? []
      list.push(v)
      g.byExpert.set(v.user_id, list)
    } else {
      g.general.push(v)
    }
  }
  return g
}

/** True when a violation names exactly this pair (its tag turns red). */
export function pairViolated(vs: readonly Violation[], applicationId: number, userId: number): boolean {
  return vs.some((v) => v.application_id === applicationId && v.user_id === userId)
}

/** A violation's text: zh-CN takes the server's message, other locales the catalogue entry. */
export function violationText(v: Violation, tr: Translator, preferServer: boolean): string {
  const key = `review.violations.${v.code}`
  if (preferServer && v.message) return v.message
  if (tr.te(key)) return tr.t(key)
  return v.message || v.code
}

/** Load bar percentage (0–100; over the maximum shows full). */
export function loadPercent(load: number, max: number): number {
  if (max <= 0) return load > 0 ? 100 : 0
  return Math.min(100, Math.round((load / max) * 100))
}

/**
 * The expert who declined the slot a proposed replacement fills (`replaces_id`), for the
 * 确认替换 dialog — not the replacement's own expert. '' when that assignment is not listed.
 */
export function declinedExpertName(
  assignments: readonly { id: number; expert_name: string }[],
  replacement: { replaces_id: number | null },
): string {
  if (replacement.replaces_id === null) return ''
  return assignments.find((a) => a.id === replacement.replaces_id)?.expert_name ?? ''
}

/**
 * Why a 422 refused something, from its field problems (e.g. the assignment rules a
 * replacement expert breaks: 「专家甲：本人声明与该申报存在利害关系，须回避」), joined; '' when it
 * names none. zh-CN keeps the server's words, as `violationText` does.
 */
export function refusalReasons(fields: readonly FieldError[], tr: Translator, preferServer: boolean): string {
  const reasons = fields.map((f) => violationText({ application_id: null, user_id: null, code: f.code, message: f.message }, tr, preferServer))
  return [...new Set(reasons.filter((r) => r))].join(tr.t('common.separator'))
}
