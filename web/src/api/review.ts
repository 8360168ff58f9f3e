/**
 * Expert review (评审) client — docs/API-review.md, one function per endpoint.
 *
 * Downloads (templates, exports, PDFs) are plain same-origin links (`…Url` helpers): the session
 * cookie authenticates them and the browser handles the file.
 */
import { http } from './http'
import type { Application } from './applications'
import type { CodeName, Page } from './common'

/* ───────────── reference data ───────────── */

export type CriterionScale = 'score' | 'level'

export interface Criterion {
  code: string
  name: string
  weight: number
  scale: CriterionScale | string
  max: number
}

export interface Rubric {
  criteria: Criterion[]
  recommendations: CodeName[]
}

/** GET /api/meta/review. */
export interface ReviewMeta {
  fields: CodeName[]
  round_kinds: CodeName[]
  phase_kinds: CodeName[]
  decisions: CodeName[]
  default_rubric: Rubric
}

/* ───────────── expert pool ───────────── */

export interface Expert {
  user_id: number
  login: string
  name: string
  /** Masked unless review.manage. */
  phone: string | null
  email: string | null
  title: string
  affiliation_org_id: number | null
  affiliation_name: string
  province_code: string
  province_name: string
  fields: string[]
  keywords: string[]
  max_load: number
  available: boolean
  conflict_org_ids: number[]
  conflict_application_ids: number[]
  active_load: number
  updated_at: string
}

/** PUT /api/experts/{user_id} — exactly these keys. */
export interface ExpertInput {
  title: string
  affiliation_org_id: number | null
  affiliation_name: string
  province_code: string
  fields: string[]
  keywords: string[]
  max_load: number
  available: boolean
  conflict_org_ids: number[]
  conflict_application_ids: number[]
}

export interface ExpertQuery {
  q?: string
  field?: string
  /** '' = all. */
  available?: boolean | ''
  page?: number
  per_page?: number
}

export interface InitialPassword {
  login: string
  password: string
}

export interface ImportResult {
  created: number
  updated: number
  initial_passwords: InitialPassword[]
}

/* ───────────── 申请回避 ───────────── */

export interface AvoidRequestInput {
  name: string
  affiliation: string
  reason: string
}

export interface AvoidRequest extends AvoidRequestInput {
  id: number
  /** The matched pool expert (office only; absent or null for the applicant). */
  expert_user_id?: number | null
}

/* ───────────── rounds and phases ───────────── */

export type PhaseKind = 'online' | 'meeting' | 'visit'
export type PhaseStatus = 'pending' | 'active' | 'closed'
export type Decider = 'office' | 'experts'
export type RoundKind = 'initial' | 'mid_term' | 'acceptance'
export type RoundStatus = 'setup' | 'reviewing' | 'closed'

export interface PhaseInput {
  kind: PhaseKind | string
  name: string
  blind: boolean
  scores_editable: boolean
  decider: Decider | string
}

export interface Phase extends PhaseInput {
  id: number
  status: PhaseStatus | string
}

/** PUT /api/rounds/{id}; POST adds `call_id`. */
export interface RoundInput {
  kind: RoundKind | string
  title: string
  per_application: number
  rubric?: Rubric
  phases?: PhaseInput[]
  disagreement_threshold?: number
}

export interface RoundCreateInput extends RoundInput {
  call_id: number
}

export interface Round {
  id: number
  call_id: number
  call_title: string
  kind: RoundKind | string
  title: string
  per_application: number
  rubric: Rubric
  disagreement_threshold: number
  status: RoundStatus | string
  phases: Phase[]
  current_phase_id: number | null
  assignment_seed: string | null
  application_count: number
  assigned: number
  submitted_reviews: number
  created_at: string
}

/* ───────────── assignment ───────────── */

export type AssignMode = 'optimal' | 'random'

export interface ProposalExpert {
  user_id: number
  name: string
  fit: number | null
  province_code: string | null
  affiliation_name: string | null
}

export interface ProposalRow {
  application_id: number
  number: string | null
  lead_name: string
  province_code: string | null
  fields: string[]
  experts: ProposalExpert[]
}

export interface ExpertLoad {
  user_id: number
  name: string
  load: number
  max_load: number
}

export interface Infeasible {
  cause: string
  message: string
  short: { application_id: number; missing: number }[]
}

export interface Proposal {
  mode: AssignMode | string
  seed: string | null
  objective: number | null
  rows: ProposalRow[]
  loads: ExpertLoad[]
  infeasible: Infeasible | null
}

export interface ProposeInput {
  mode: AssignMode
  seed?: string
  tolerance?: number
  pair_cap?: number
}

export interface Pair {
  application_id: number
  user_id: number
  /** Placed by the office's hand: recorded as 手动调整. */
  manual?: boolean
}

export interface Violation {
  /** null/absent for rules about an expert alone (max load). */
  application_id: number | null
  user_id: number | null
  code: string
  message: string
}

export interface CheckResult {
  violations: Violation[]
  loads: ExpertLoad[]
}

export interface CommitInput {
  pairs: Pair[]
  mode: AssignMode | string
  seed?: string
}

export type AssignmentStatus = 'invited' | 'accepted' | 'declined' | 'proposed'
export type ReviewStatus = 'none' | 'draft' | 'submitted'

export interface Assignment {
  id: number
  round_id: number
  application_id: number
  number: string | null
  lead_name: string
  user_id: number
  expert_name: string
  status: AssignmentStatus | string
  source: 'optimal' | 'random' | 'manual' | 'replacement' | string
  fit: number | null
  decline_reason: string | null
  replaces_id: number | null
  review_status: ReviewStatus | string
  responded_at: string | null
}

/* ───────────── the expert's side ───────────── */

export interface MyAssignment {
  id: number
  round_id: number
  round_title: string
  phase: Phase | null
  application_id: number
  number: string | null
  /** Blind phases: the direction only, never the applicant. */
  title: string
  status: AssignmentStatus | string
  review_status: ReviewStatus | string
  pledge_signed: boolean
}

export interface Review {
  id: number | null
  version: number
  status: 'draft' | 'submitted' | string
  scores: Record<string, number>
  recommendation: string | null
  opinion_html: string
  total: number | null
  submitted_at: string | null
  correction_allowed: boolean
}

export interface ReviewInput {
  scores: Record<string, number>
  recommendation: string | null
  opinion_html: string
}

export type VisitMode = 'site' | 'online'

export interface VisitInput {
  application_id: number
  mode: VisitMode
  /** YYYY-MM-DD. */
  visited_on: string
  participants: string
  notes: string
}

export interface Visit extends VisitInput {
  id: number
  round_id: number
  created_at: string
}

/* ───────────── results, selection, 立项 ───────────── */

export type Decision = 'shortlisted' | 'not_selected'

export interface ResultRow {
  application_id: number
  number: string | null
  lead_name: string
  province_code: string | null
  institution_type: string | null
  reviews: number
  mean: number | null
  trimmed_mean: number | null
  normalized: number | null
  rank: number | null
  stddev: number | null
  range: number | null
  flagged: boolean
  decision: Decision | string | null
  letter_number: string | null
  /** Not in the written contract; shown when the server sends it. */
  note?: string | null
}

export interface ExpertStat {
  user_id: number
  name: string
  reviews: number
  mean: number | null
  stddev: number | null
  min: number | null
  max: number | null
}

export interface DistributionRow {
  code: string
  name: string
  shortlisted: number
  total: number
}

export interface Results {
  round_id: number
  threshold: number
  applications: ResultRow[]
  experts: ExpertStat[]
  distribution: { by_province: DistributionRow[]; by_type: DistributionRow[] }
}

export interface DecisionInput {
  decision: Decision
  note: string
}

export interface Letter {
  letter_number: string
  issued_at: string
}

/* ───────────── URLs of downloads ───────────── */

export const expertTemplateUrl = '/api/experts/template.xlsx'
export const expertExportUrl = '/api/experts/export.xlsx'
export const assignmentPdfUrl = (assignmentId: number) => `/api/assignments/${assignmentId}/application.pdf`
export const resultsXlsxUrl = (roundId: number) => `/api/rounds/${roundId}/results.xlsx`
export const letterPdfUrl = (roundId: number, applicationId: number) =>
  `/api/rounds/${roundId}/decisions/${applicationId}/letter.pdf`

/* ───────────── calls ───────────── */

export const reviewApi = {
  meta: () => http.get<ReviewMeta>('/api/meta/review'),

  // expert pool
  experts: (query: ExpertQuery = {}) => http.get<Page<Expert>>('/api/experts', { ...query }),
  expert: (userId: number) => http.get<Expert>(`/api/experts/${userId}`),
  updateExpert: (userId: number, body: ExpertInput) => http.put<Expert>(`/api/experts/${userId}`, body),
  importExperts: (file: File) => {
    const form = new FormData()
    form.append('file', file, file.name)
    return http.upload<ImportResult>('/api/experts/import', form)
  },

  // 申请回避
  avoidRequests: (applicationId: number) => http.get<AvoidRequest[]>(`/api/applications/${applicationId}/avoid-requests`),
  saveAvoidRequests: (applicationId: number, items: AvoidRequestInput[]) =>
    http.put<AvoidRequest[]>(`/api/applications/${applicationId}/avoid-requests`, { items }),

  // rounds and phases
  rounds: (callId?: number | null) => http.get<Round[]>('/api/rounds', { call_id: callId ?? undefined }),
  round: (id: number) => http.get<Round>(`/api/rounds/${id}`),
  createRound: (body: RoundCreateInput) => http.post<Round>('/api/rounds', body),
  updateRound: (id: number, body: RoundInput) => http.put<Round>(`/api/rounds/${id}`, body),
  activatePhase: (id: number, phaseId: number) => http.post<Round>(`/api/rounds/${id}/phase`, { phase_id: phaseId }),
  closeRound: (id: number) => http.post<Round>(`/api/rounds/${id}/close`),

  // assignment
  propose: (id: number, body: ProposeInput) => http.post<Proposal>(`/api/rounds/${id}/assignment/propose`, body),
  check: (id: number, pairs: Pair[]) => http.post<CheckResult>(`/api/rounds/${id}/assignment/check`, { pairs }),
  commit: (id: number, body: CommitInput) => http.post<Round>(`/api/rounds/${id}/assignment/commit`, body),
  assignments: (id: number) => http.get<Assignment[]>(`/api/rounds/${id}/assignments`),
  confirmReplacement: (assignmentId: number, userId?: number | null) =>
    http.post<Assignment>(`/api/assignments/${assignmentId}/confirm`, userId ? { user_id: userId } : {}),

  // the expert's side
  myAssignments: () => http.get<MyAssignment[]>('/api/my/assignments'),
  accept: (assignmentId: number) => http.post<MyAssignment>(`/api/assignments/${assignmentId}/accept`),
  decline: (assignmentId: number, reason: string) => http.post<MyAssignment>(`/api/assignments/${assignmentId}/decline`, { reason }),
  signPledge: (roundId: number) => http.post<void>(`/api/rounds/${roundId}/pledge`),
  assignmentApplication: (assignmentId: number) => http.get<Application>(`/api/assignments/${assignmentId}/application`),
  review: (assignmentId: number) => http.get<Review>(`/api/assignments/${assignmentId}/review`),
  saveReview: (assignmentId: number, body: ReviewInput) => http.put<Review>(`/api/assignments/${assignmentId}/review`, body),
  submitReview: (assignmentId: number) => http.post<Review>(`/api/assignments/${assignmentId}/review/submit`),
  allowCorrection: (assignmentId: number, reason: string) =>
    http.post<Review>(`/api/assignments/${assignmentId}/review/allow-correction`, { reason }),

  // visits
  visits: (id: number) => http.get<Visit[]>(`/api/rounds/${id}/visits`),
  addVisit: (id: number, body: VisitInput) => http.post<Visit>(`/api/rounds/${id}/visits`, body),

  // results and 立项
  results: (id: number) => http.get<Results>(`/api/rounds/${id}/results`),
  decide: (id: number, applicationId: number, body: DecisionInput) =>
    http.put<ResultRow>(`/api/rounds/${id}/decisions/${applicationId}`, body),
  issueLetter: (id: number, applicationId: number) => http.post<Letter>(`/api/rounds/${id}/decisions/${applicationId}/letter`),
}

