/**
 * Pure logic of the expert-review (评审) pages, kept free of Vue and the DOM so it is unit-tested
 * (tests/review.test.ts): scoring, the import problem table, proposal editing, error paths,
 * the opinion HTML allowlist, the review draft autosaver, notification links and the models
 * of the round / expert / 申请回避 forms.
 */
import type { FieldError } from '../../api/http'
import type {
  AvoidRequest,
  AvoidRequestInput,
  Criterion,
  Expert,
  ExpertInput,
  ExpertLoad,
  Pair,
  PhaseInput,
  Proposal,
  ProposalExpert,
  ProposalRow,
  Review,
  ReviewInput,
  Round,
  RoundInput,
  Rubric,
  Violation,
} from '../../api/review'
import type { Translator } from '../../i18n'
import { fieldKey } from '../../utils/applicationForm'

/* ───────────── scoring ───────────── */

/** The contract's default rubric (合理性 40 / 真实性 30 / 建设基础 30, 0–100), until /api/meta/review answers. */
export const DEFAULT_RUBRIC: Rubric = {
  criteria: [
    { code: 'rationality', name: '合理性', weight: 40, scale: 'score', max: 100 },
    { code: 'authenticity', name: '真实性', weight: 30, scale: 'score', max: 100 },
    { code: 'foundation', name: '建设基础', weight: 30, scale: 'score', max: 100 },
  ],
  recommendations: [
    { code: 'recommend', name: '推荐立项' },
    { code: 'revise', name: '修改后立项' },
    { code: 'reject', name: '不推荐' },
  ],
}

const round2 = (n: number) => Math.round(n * 100) / 100

export interface WeightedTotal {
  /** 0–100: Σ weight·score/max over Σ weight; missing scores count as 0. null without criteria. */
  total: number | null
  /** Every criterion has a valid score. */
  complete: boolean
  /** Criteria with a score present. */
  scored: number
}

/** A finite number inside 0..max, else null (blank input, NaN, out of range). */
export function validScore(value: unknown, c: Pick<Criterion, 'max'>): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  if (value < 0 || value > c.max) return null
  return value
}

/**
 * The live weighted total of the scoring form. Each criterion contributes `weight · score / max`,
 * normalised by the sum of weights to a 0–100 scale (for the default rubric, whose weights sum to
 * 100 with max 100, this is simply Σ weight·score / 100). The server's `total` stays authoritative.
 */
export function weightedTotal(criteria: readonly Criterion[], scores: Record<string, number | null | undefined>): WeightedTotal {
  const weightSum = criteria.reduce((n, c) => n + (c.weight > 0 ? c.weight : 0), 0)
  if (!criteria.length || weightSum <= 0) return { total: null, complete: false, scored: 0 }
  let acc = 0
  let scored = 0
  for (const c of criteria) {
    const s = validScore(scores[c.code], c)
    if (s === null || c.max <= 0) continue
    scored++
    acc += (Math.max(c.weight, 0) * s) / c.max
  }
  return { total: round2((acc / weightSum) * 100), complete: scored === criteria.length, scored }
}

export interface LevelOption {
  value: number
  /** i18n key of the grade name, or null when the number itself is the label. */
  labelKey: string | null
}

/**
 * Choices of a `level` criterion. Small scales (max ≤ 10) are the integers max…0;
 * larger ones are five grades at 100 / 80 / 60 / 40 / 0 % of max (优 良 中 差 不合格).
 */
export function levelOptions(max: number): LevelOption[] {
  if (!(max > 0)) return [{ value: 0, labelKey: null }]
  if (max <= 10) {
    const out: LevelOption[] = []
    for (let v = Math.floor(max); v >= 0; v--) out.push({ value: v, labelKey: null })
    return out
  }
  return [
    { value: max, labelKey: 'review.levels.excellent' },
    { value: Math.round(max * 0.8), labelKey: 'review.levels.good' },
    { value: Math.round(max * 0.6), labelKey: 'review.levels.fair' },
    { value: Math.round(max * 0.4), labelKey: 'review.levels.poor' },
    { value: 0, labelKey: 'review.levels.fail' },
  ]
}

/** Scores as the API wants them: only valid numbers (partial drafts are allowed). */
export function cleanScores(criteria: readonly Criterion[], scores: Record<string, number | null | undefined>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of criteria) {
    const v = scores[c.code]
    if (typeof v === 'number' && Number.isFinite(v)) out[c.code] = v
  }
  return out
}

/** Client-side problems of the scoring form before 提交评审 (the server checks again). */
export function reviewProblems(
  criteria: readonly Criterion[],
  model: { scores: Record<string, number | null | undefined>; recommendation: string | null },
): FieldError[] {
  const out: FieldError[] = []
  for (const c of criteria) {
    const v = model.scores[c.code]
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      out.push({ field: `scores.${c.code}`, code: 'required', message: '' })
    } else if (validScore(v, c) === null) {
      out.push({ field: `scores.${c.code}`, code: 'out_of_range', message: '' })
    }
  }
  if (!model.recommendation) out.push({ field: 'recommendation', code: 'required', message: '' })
  return out
}

/* ───────────── opinion HTML ───────────── */

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'p', 'br', 'div'])

/**
 * Allowlist for the opinion editor's HTML (display and local drafts; the server sanitises what
 * it stores): only b/strong/i/em/u/ul/ol/li/p/br/div survive, without any attribute; script and
 * style blocks and comments go with their content; every other `<`/`>` becomes text.
 */
export function sanitizeHtml(html: string | null | undefined): string {
  if (!html) return ''
  let s = String(html)
  s = s.replace(/<!--[\s\S]*?(-->|$)/g, '')
  s = s.replace(/<(script|style|iframe|object|template|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
  const out: string[] = []
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>/g
  let last = 0
  const text = (t: string) => t.replace(/</g, '&lt;').replace(/>/g, '&gt;')
  for (let m = tag.exec(s); m; m = tag.exec(s)) {
    out.push(text(s.slice(last, m.index)))
    const name = m[2]!.toLowerCase()
    if (ALLOWED_TAGS.has(name)) out.push(name === 'br' ? '<br>' : `<${m[1]}${name}>`)
    last = tag.lastIndex
  }
  out.push(text(s.slice(last)))
  return out.join('')
}

/** True when the HTML has no visible text (an empty editor still holds `<br>` or `<div></div>`). */
export function isHtmlEmpty(html: string | null | undefined): boolean {
  return !htmlToText(html).trim()
}

/** Plain text of the opinion (character count). */
export function htmlToText(html: string | null | undefined): string {
  return (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

/* ───────────── review draft model ───────────── */

export interface ReviewModel {
  scores: Record<string, number | null>
  recommendation: string | null
  opinion_html: string
}

export function reviewToModel(r: Review | null, criteria: readonly Criterion[]): ReviewModel {
  const scores: Record<string, number | null> = {}
  for (const c of criteria) {
    const v = r?.scores?.[c.code]
    scores[c.code] = typeof v === 'number' && Number.isFinite(v) ? v : null
  }
  return { scores, recommendation: r?.recommendation ?? null, opinion_html: r?.opinion_html ?? '' }
}

export function modelToReviewInput(m: ReviewModel, criteria: readonly Criterion[]): ReviewInput {
  return { scores: cleanScores(criteria, m.scores), recommendation: m.recommendation || null, opinion_html: m.opinion_html }
}

/* ───────────── review draft autosave ───────────── */

export type DraftState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error'

export interface DraftSaverOptions<T, R> {
  getBody: () => T
  save: (body: T) => Promise<R>
  delay?: number
  onState?: (s: DraftState) => void
  onSaved?: (result: R) => void
  onError?: (err: unknown) => void
}

/** Review drafts are saved a few seconds after the last edit, and at once on blur. */
export const REVIEW_AUTOSAVE_MS = 3000

/**
 * Debounced autosave of one draft: `changed()` after an edit, `flush()` on blur / before submit.
 * One PUT at a time; edits made meanwhile are saved right after. A failure leaves the state
 * `error` and the edits in place (the next edit or `flush()` tries again).
 */
export class DraftSaver<T, R> {
  state: DraftState = 'idle'
  lastError: unknown = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private running: Promise<void> | null = null
  private editSeq = 0
  private savedSeq = 0
  private disposed = false
  private readonly o: DraftSaverOptions<T, R>

  constructor(o: DraftSaverOptions<T, R>) {
    this.o = o
  }

  get hasUnsaved(): boolean {
    return this.editSeq !== this.savedSeq
  }

  private set(s: DraftState) {
    if (this.state === s) return
    this.state = s
    this.o.onState?.(s)
  }

  changed(): void {
    if (this.disposed) return
    this.editSeq++
    if (this.state !== 'saving') this.set('dirty')
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.flush()
    }, this.o.delay ?? REVIEW_AUTOSAVE_MS)
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (!this.disposed) {
      if (this.running) {
        await this.running
        continue
      }
      if (!this.hasUnsaved) return
      // after an error a flush tries once more (blur, 提交); a failure ends it, so nothing loops
      this.running = this.runOnce().finally(() => {
        this.running = null
      })
      await this.running
      if (this.state === 'error') return
    }
  }

  private async runOnce(): Promise<void> {
    const seq = this.editSeq
    this.set('saving')
    try {
      const res = await this.o.save(this.o.getBody())
      this.savedSeq = seq
      this.lastError = null
      this.o.onSaved?.(res)
      this.set(this.hasUnsaved ? 'dirty' : 'saved')
    } catch (e) {
      this.lastError = e
      this.set('error')
      this.o.onError?.(e)
    }
  }

  /** Forget pending edits (after a submit made them moot). */
  reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.savedSeq = this.editSeq
    this.set('idle')
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/* ───────────── expert import problems ───────────── */

export interface ImportProblem {
  /** Spreadsheet row (1-based, as the server counts), null for file-level problems. */
  row: number | null
  column: string
  code: string
  message: string
}

/**
 * `row 5: 手机` → row 5, column 手机. Also accepted: `row 5` (whole row), `第5行: 手机`,
 * `rows[5].手机`; anything else is a file-level problem with the path as its column.
 */
export function parseImportField(field: string): { row: number | null; column: string } {
  const f = field.trim()
  let m = /^rows?\s*(\d+)\s*(?:[:：·.]\s*(.*))?$/i.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  m = /^第\s*(\d+)\s*行\s*(?:[:：·.]\s*(.*))?$/.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  m = /^rows?\[(\d+)\](?:\.(.*))?$/i.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  return { row: null, column: f === 'file' ? '' : f }
}

/** The 422 of POST /api/experts/import as a table, by row then column (file-level first). */
export function importProblems(fields: readonly FieldError[], tr: Translator): ImportProblem[] {
  const out = fields.map((fe) => {
    const { row, column } = parseImportField(fe.field)
    const key = `errors.${fe.code}`
    // The server's (zh-CN) message names the problem in the sheet's terms; the catalogue is the fallback.
    const message = fe.message || (tr.te(key) ? tr.t(key) : fe.code)
    return { row, column, code: fe.code, message }
  })
  return out.sort((a, b) => (a.row ?? -1) - (b.row ?? -1) || a.column.localeCompare(b.column))
}

/** 「第 5 行 · 手机 · 手机号码格式不正确」 */
export function importProblemText(p: ImportProblem, tr: Translator): string {
  const parts: string[] = []
  parts.push(p.row === null ? tr.t('review.import.file_level') : tr.t('review.import.row_n', { n: p.row }))
  if (p.column) parts.push(p.column)
  parts.push(p.message)
  return parts.join(' · ')
}

/* ───────────── proposal editing ───────────── */

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

/* ───────────── error paths ───────────── */

/**
 * Field errors keyed by normalised path (`rubric.criteria.0.weight` → `rubric.criteria[0].weight`,
 * `items.1.name` → `items[1].name`), messages joined per path.
 */
export function errorsByPath(fields: readonly FieldError[], tr: Translator, preferServer: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  const sep = tr.t('common.separator')
  for (const fe of fields) {
    const key = fieldKey(fe.field)
    const cat = `errors.${fe.code}`
    const msg = preferServer && fe.message ? fe.message : tr.te(cat) ? tr.t(cat) : fe.message || fe.code
    out[key] = out[key] ? out[key] + sep + msg : msg
  }
  return out
}

export interface SplitErrors {
  /** Form-level summary (el-alert); empty when nothing failed. */
  summary: string
  /** Messages for paths the form has no slot for, `path: message`. */
  other: string[]
  /** slot → message beside that form item */
  fields: Record<string, string>
}

/**
 * An API error for a form: each field error goes to the slot `place(path)` names (its own path,
 * or a parent such as `conflict_org_ids` for `conflict_org_ids[2]`), else to `other`.
 * `summary` is the translated error (see utils/errorMessage).
 */
export function splitErrors(
  err: { fields?: readonly FieldError[] } | null | undefined,
  summary: string,
  tr: Translator,
  place: (path: string) => string | null,
  preferServer: boolean,
): SplitErrors {
  const out: SplitErrors = { summary, other: [], fields: {} }
  const sep = tr.t('common.separator')
  for (const [path, msg] of Object.entries(errorsByPath(err?.fields ?? [], tr, preferServer))) {
    const slot = place(path)
    if (slot === null) out.other.push(path ? `${path}: ${msg}` : msg)
    else out.fields[slot] = out.fields[slot] ? out.fields[slot] + sep + msg : msg
  }
  return out
}

/** Slot finder for flat forms: the path itself or its first segment when known. */
export function placeByRoot(known: readonly string[]): (path: string) => string | null {
  return (path) => {
    if (known.includes(path)) return path
    const root = path.split(/[.[]/)[0] ?? ''
    return known.includes(root) ? root : null
  }
}

/* ───────────── round form ───────────── */

export interface RoundFormModel {
  kind: string
  title: string
  per_application: number
  disagreement_threshold: number
  rubric: Rubric
  phases: PhaseInput[]
}

/** 网评 (online, blind) then 会评 (meeting, open) — the server's defaults, spelt out. */
export function defaultPhases(): PhaseInput[] {
  return [
    { kind: 'online', name: '网评', blind: true, scores_editable: true, decider: 'experts' },
    { kind: 'meeting', name: '会评', blind: false, scores_editable: true, decider: 'office' },
  ]
}

export function cloneRubric(r: Rubric): Rubric {
  return { criteria: r.criteria.map((c) => ({ ...c })), recommendations: r.recommendations.map((x) => ({ ...x })) }
}

export function emptyRoundModel(defaultRubric: Rubric = DEFAULT_RUBRIC): RoundFormModel {
  return { kind: 'initial', title: '', per_application: 5, disagreement_threshold: 20, rubric: cloneRubric(defaultRubric), phases: defaultPhases() }
}

export function roundToModel(r: Round): RoundFormModel {
  return {
    kind: r.kind,
    title: r.title,
    per_application: r.per_application,
    disagreement_threshold: r.disagreement_threshold,
    rubric: cloneRubric(r.rubric),
    phases: r.phases.map((p) => ({ kind: p.kind, name: p.name, blind: p.blind, scores_editable: p.scores_editable, decider: p.decider })),
  }
}

export function roundModelToPayload(m: RoundFormModel): RoundInput {
  return {
    kind: m.kind,
    title: m.title.trim(),
    per_application: Number(m.per_application),
    disagreement_threshold: Number(m.disagreement_threshold),
    rubric: {
      criteria: m.rubric.criteria.map((c) => ({
        code: c.code.trim(),
        name: c.name.trim(),
        weight: Number(c.weight),
        scale: c.scale,
        max: Number(c.max),
      })),
      recommendations: m.rubric.recommendations.map((r) => ({ code: r.code.trim(), name: r.name.trim() })),
    },
    phases: m.phases.map((p) => ({ kind: p.kind, name: p.name.trim(), blind: p.blind, scores_editable: p.scores_editable, decider: p.decider })),
  }
}

export function weightSum(r: Rubric): number {
  return round2(r.criteria.reduce((n, c) => n + (Number(c.weight) || 0), 0))
}

/* ───────────── expert form ───────────── */

export const EXPERT_FIELDS = [
  'title',
  'affiliation_org_id',
  'affiliation_name',
  'province_code',
  'fields',
  'keywords',
  'max_load',
  'available',
  'conflict_org_ids',
  'conflict_application_ids',
] as const

export function expertToInput(e: Expert | null): ExpertInput {
  return {
    title: e?.title ?? '',
    affiliation_org_id: e?.affiliation_org_id ?? null,
    affiliation_name: e?.affiliation_name ?? '',
    province_code: e?.province_code ?? '',
    fields: [...(e?.fields ?? [])],
    keywords: [...(e?.keywords ?? [])],
    max_load: e?.max_load ?? 10,
    available: e?.available ?? true,
    conflict_org_ids: [...(e?.conflict_org_ids ?? [])],
    conflict_application_ids: [...(e?.conflict_application_ids ?? [])],
  }
}

/** Trimmed, de-duplicated keywords; the rest as typed. */
export function expertInputPayload(m: ExpertInput): ExpertInput {
  const kw: string[] = []
  for (const k of m.keywords.map((x) => x.trim())) if (k && !kw.includes(k)) kw.push(k)
  return {
    ...m,
    title: m.title.trim(),
    affiliation_name: m.affiliation_name.trim(),
    keywords: kw,
    max_load: Number(m.max_load),
    fields: [...m.fields],
    conflict_org_ids: [...m.conflict_org_ids],
    conflict_application_ids: [...m.conflict_application_ids],
  }
}

/* ───────────── 申请回避 ───────────── */

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

/* ───────────── notifications ───────────── */

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

/* ───────────── refusals ───────────── */

/**
 * Why a 422 refused something, from its field problems (e.g. the assignment rules a
 * replacement expert breaks: 「专家甲：本人声明与该申报存在利害关系，须回避」), joined; '' when it
 * names none. zh-CN keeps the server's words, as `violationText` does.
 */
export function refusalReasons(fields: readonly FieldError[], tr: Translator, preferServer: boolean): string {
  const reasons = fields.map((f) => violationText({ application_id: null, user_id: null, code: f.code, message: f.message }, tr, preferServer))
  return [...new Set(reasons.filter((r) => r))].join(tr.t('common.separator'))
}

/* ───────────── tags ───────────── */

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export const ASSIGNMENT_TAG: Record<string, TagType> = {
  invited: 'primary',
  accepted: 'success',
  declined: 'danger',
  proposed: 'warning',
}

export const REVIEW_TAG: Record<string, TagType> = {
  none: 'info',
  draft: 'warning',
  submitted: 'success',
}

export const ROUND_TAG: Record<string, TagType> = {
  setup: 'info',
  reviewing: 'primary',
  closed: 'success',
}

export const PHASE_TAG: Record<string, TagType> = {
  pending: 'info',
  active: 'success',
  closed: 'primary',
}

/** Number display of statistics: two decimals, "—" for null. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—'
}
