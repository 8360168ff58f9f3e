import { buildQuery, http } from './http'
import type { Attachment } from './attachments'
import type { CodeName, Page } from './common'
import type { OrganizationInput } from './organizations'

/* ───────────── Applications (申报) — docs/API-applications.md ───────────── */

export interface LeadInstitution {
  institution_type: string | null
  name: string
  nature: string | null
  contact_name: string
  contact_title: string
  contact_phone: string
  contact_email: string
  profile: string
  direction: string | null
  supporting_projects: string[]
  supporting_projects_other: string
  funding_sources: string[]
  funding_sources_other: string
}

export interface PartnerBlock {
  org_id: number | null
  name: string
  uscc: string
  category: string | null
  contact: string
  contact_phone: string
  contact_email: string
  profile: string
}

export interface IndustryEducationWork {
  main_work: string
  results: string
  innovation: string
}

/** 建设规划 by the guide's 1+3+1 contents. */
export interface ConstructionPlan {
  management_body: string
  research_institute: string
  teaching_resource_center: string
  practice_training_center: string
  innovation_cooperation_center: string
  smart_cloud_platform: string
}

export interface GoalsAndPlan {
  goals: string
  plan: ConstructionPlan
  innovation: string
}

export interface Guarantees {
  facilities: string
  organisation: string
  funding: string
  other: string
}

export interface Commitment {
  responsible_person: string
  agreed: boolean
  office_meeting_approved: boolean
  /** YYYY-MM-DD or "". */
  office_meeting_date: string
}

/** The whole 申报书 (crates/domain/src/application.rs). */
export interface ApplicationForm {
  lead: LeadInstitution
  partners: PartnerBlock[]
  industry_education: IndustryEducationWork
  goals: GoalsAndPlan
  guarantees: Guarantees
  commitment: Commitment
}

export type ApplicationStatus =
  | 'draft'
  | 'submitted'
  | 'returned'
  | 'accepted_for_review'
  | 'under_review'
  | 'reviewed'
  | 'shortlisted'
  | 'not_selected'
  | 'initiated'
  | 'under_construction'
  | 'mid_term_passed'
  | 'rectify'
  | 'accepted'
  | 'acceptance_failed'
  | 'plaque_awarded'
  | 'withdrawn'

export type PartnerConfirmation = 'unregistered' | 'pending' | 'confirmed' | 'declined'

export interface PartnerInvite {
  url?: string
  expires_at: string
  used: boolean
}

export interface PartnerStatus {
  index: number
  name: string
  org_id: number | null
  category: string | null
  status: PartnerConfirmation | string
  reason: string | null
  responded_at: string | null
  invite: PartnerInvite | null
}

export interface PaperCopy {
  received_on: string
  courier: string
  tracking_no: string
  printed_hash: string
  matches_version: number | null
  matches_submitted: boolean
  recorded_at: string
}

export interface Application {
  id: number
  number: string | null
  call_id: number
  call_title: string
  lead_org_id: number
  lead_name: string
  status: ApplicationStatus | string
  status_label: string
  revision: number
  form: ApplicationForm
  form_errors: FieldErrorItem[]
  partners: PartnerStatus[]
  submitted_version: number | null
  effective_deadline: string
  can_edit: boolean
  can_submit: boolean
  can_withdraw: boolean
  return_reasons: string | null
  correction_due: string | null
  paper: PaperCopy | null
  attachments: Attachment[]
  created_at: string
  updated_at: string
}

/** `{field, code, message}` — same shape as the error envelope's `fields`. */
export interface FieldErrorItem {
  field: string
  code: string
  message: string
}

export interface ApplicationSummary {
  id: number
  number: string | null
  call_id: number
  call_title: string
  lead_org_id: number
  lead_name: string
  province_code: string | null
  institution_type: string | null
  direction: string | null
  status: ApplicationStatus | string
  status_label: string
  partner_count: number
  confirmed_count: number
  submitted_at: string | null
  updated_at: string
}

export interface ApplicationQuery {
  call_id?: number | ''
  status?: string
  province_code?: string
  institution_type?: string
  partner_category?: string
  q?: string
  page?: number
  per_page?: number
}

export interface SaveFormResult {
  revision: number
  saved_at: string
  form_errors: FieldErrorItem[]
  /** Partner statuses after the save (the backend sends them; not in the written contract). */
  partners?: PartnerStatus[]
}

export interface InviteLink {
  url: string
  token: string
  expires_at: string
}

export interface PublicInvite {
  application_id: number
  lead_name: string
  call_title: string
  partner: PartnerBlock
  expires_at: string
}

export type PartnerDecision = 'confirm' | 'decline'

export interface InviteAcceptInput {
  organization: OrganizationInput
  admin: { login: string; name: string; password: string; phone: string; email: string }
  decision: PartnerDecision
  reason: string
}

export interface DirectoryOrg {
  id: number
  name: string
  kind: string
  srdi_level: string | null
  province_code: string | null
}

export interface ApplicationVersion {
  version: number
  content_hash: string
  submitted_at: string
  submitted_by_login: string
}

export interface ApplicationVersionDetail {
  version: number
  content_hash: string
  form: ApplicationForm
  submitted_at: string
}

export interface FormalCheckInput {
  decision: 'accept' | 'return'
  reasons: string
  correction_due: string | null
}

export interface PaperCopyInput {
  received_on: string
  courier: string
  tracking_no: string
  printed_hash: string
}

export interface VerifyResult {
  number: string
  version: number
  /** A submitted version with this number, version and hash exists. */
  found: boolean
  is_latest: boolean
  submitted_at: string | null
  call_title: string | null
}

export interface ApplicationLimits {
  name: number
  short: number
  profile: number
  prose: number
  partners: number
}

/** GET /api/meta/application. */
export interface ApplicationMeta {
  institution_types: CodeName[]
  natures: CodeName[]
  supporting_projects: CodeName[]
  funding_sources: CodeName[]
  partner_categories: CodeName[]
  commitment_text: string
  limits: ApplicationLimits
  plan_headings: CodeName[]
}

export type PrintFormat = 'pdf' | 'docx'

/** Plain link targets (downloads ride on the same-origin session cookie). */
export function printUrl(id: number, format: PrintFormat, version?: number | null): string {
  return `/api/applications/${id}/print${buildQuery({ format, version: version ?? undefined })}`
}

export function exportUrl(query: ApplicationQuery): string {
  const { page: _p, per_page: _pp, ...filters } = query
  return `/api/applications/export.xlsx${buildQuery(filters)}`
}

export const applicationsApi = {
  meta: () => http.get<ApplicationMeta>('/api/meta/application'),
  list: (query: ApplicationQuery = {}) => http.get<Page<ApplicationSummary>>('/api/applications', { ...query }),
  create: (call_id: number) => http.post<Application>('/api/applications', { call_id }),
  get: (id: number) => http.get<Application>(`/api/applications/${id}`),
  saveForm: (id: number, revision: number, form: ApplicationForm) =>
    http.put<SaveFormResult>(`/api/applications/${id}/form`, { revision, form }),
  submit: (id: number, revision: number) => http.post<Application>(`/api/applications/${id}/submit`, { revision }),
  withdraw: (id: number) => http.post<Application>(`/api/applications/${id}/withdraw`),
  invite: (id: number, index: number) => http.post<InviteLink>(`/api/applications/${id}/invites`, { index }),
  decide: (id: number, orgId: number, decision: PartnerDecision, reason: string) =>
    http.post<PartnerStatus>(`/api/applications/${id}/partners/${orgId}/decision`, { decision, reason }),
  versions: (id: number) => http.get<ApplicationVersion[]>(`/api/applications/${id}/versions`),
  version: (id: number, version: number) => http.get<ApplicationVersionDetail>(`/api/applications/${id}/versions/${version}`),
  uploadAttachment: (id: number, file: File, kind: string) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file, file.name)
    return http.upload<Attachment>(`/api/applications/${id}/attachments`, form)
  },
  formalCheck: (id: number, body: FormalCheckInput) => http.post<Application>(`/api/applications/${id}/formal-check`, body),
  paperCopy: (id: number, body: PaperCopyInput) => http.post<PaperCopy>(`/api/applications/${id}/paper-copy`, body),
  directory: (q: string, kind?: string) =>
    http.get<DirectoryOrg[]>('/api/directory/organizations', { q, kind }),
}

export const publicApi = {
  invite: (token: string) => http.get<PublicInvite>(`/api/public/invites/${encodeURIComponent(token)}`, undefined, { authProbe: true }),
  acceptInvite: (token: string, body: InviteAcceptInput) =>
    http.post<{ org_id: number; login: string }>(`/api/public/invites/${encodeURIComponent(token)}/accept`, body, {
      authProbe: true,
    }),
  verify: (q: { number: string; version: string | number; hash: string }) =>
    http.get<VerifyResult>('/api/public/verify', q, { authProbe: true }),
}
