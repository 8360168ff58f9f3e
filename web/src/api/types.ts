/** Types mirroring the Chanjiao JSON API contract. */

export type RoleName =
  | 'sys_admin'
  | 'security_admin'
  | 'audit_admin'
  | 'office'
  | 'field_organiser'
  | 'expert'
  | 'org_admin'
  | 'org_staff'
  | 'student'

export type OrgKind = 'office' | 'alliance' | 'university' | 'enterprise' | 'sme_center' | 'association' | 'park'

export interface RoleGrant {
  id: number
  role: RoleName | string
  org_id: number | null
  org_name: string | null
  field: string | null
}

export interface OrgRef {
  id: number
  name: string
  kind: OrgKind | string
}

export interface Me {
  id: number
  login: string
  name: string
  org: OrgRef | null
  roles: RoleGrant[]
  capabilities: string[]
  /** Masked by the server. */
  phone: string | null
  email: string | null
}

export interface SessionInfo {
  csrf_token: string
  user: Me | null
}

export interface LoginResponse {
  csrf_token: string
  user: Me
}

export interface Page<T> {
  items: T[]
  total: number
}

export interface CodeName {
  code: string
  name: string
}

export interface PasswordPolicy {
  min_length: number
  min_classes: number
}

export interface Meta {
  provinces: CodeName[]
  org_kinds: string[]
  roles: string[]
  university_types: string[]
  university_natures: string[]
  srdi_levels: string[]
  fields: CodeName[]
  password_policy: PasswordPolicy
}

/** POST/PUT body of /api/organizations — exactly these keys (the server rejects unknown fields). */
export interface OrganizationInput {
  kind: string
  name: string
  uscc: string
  province_code: string
  city: string | null
  address: string | null
  postal_code: string | null
  contact_name: string
  contact_phone: string
  contact_email: string
  university_type: string | null
  university_nature: string | null
  srdi_level: string | null
  field: string | null
}

export interface Organization extends OrganizationInput {
  id: number
  created_at: string
  updated_at: string
}

export interface OrganizationQuery {
  q?: string
  kind?: string
  province_code?: string
  page?: number
  per_page?: number
}

export interface User {
  id: number
  login: string
  name: string
  org_id: number | null
  org_name: string | null
  phone: string | null
  email: string | null
  disabled: boolean
  locked_until: string | null
  roles: RoleGrant[]
  created_at: string
  last_login_at: string | null
}

export interface UserQuery {
  q?: string
  org_id?: number | null
  page?: number
  per_page?: number
}

export interface UserCreateInput {
  login: string
  name: string
  password: string
  org_id: number | null
  phone: string | null
  email: string | null
}

/**
 * PUT /api/users/{id}. The API only ever shows phone/email masked, so they are three-state:
 * key absent = unchanged, null (or "") = cleared, a value = set.
 */
export interface UserUpdateInput {
  name: string
  disabled: boolean
  phone?: string | null
  email?: string | null
}

export interface RoleGrantInput {
  role: string
  org_id: number | null
  field: string | null
}

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

/* ───────────── Calls (批次) and applications (申报) — docs/API-applications.md ───────────── */

export type CallStatus = 'draft' | 'published'
export type AttachmentKind = 'notice' | 'guide' | 'form' | 'other'

export interface Attachment {
  id: number
  kind: AttachmentKind | string
  filename: string
  content_type: string
  size: number
  sha256: string
  created_at: string
}

export interface CallContact {
  name: string
  phone: string
  email: string
}

/** POST/PUT body of /api/calls — exactly these keys. */
export interface CallInput {
  field: string
  title: string
  doc_number: string
  /** RFC 3339. */
  opens_at: string
  /** RFC 3339; "2022-11-30 24:00" (Beijing) is 2022-12-01T00:00:00+08:00. */
  deadline: string
  status: CallStatus
  contacts: CallContact[]
  postal_address: string
  postal_code: string
  postal_recipient: string
  directions: CodeName[]
}

export interface Call extends CallInput {
  id: number
  field_name: string
  attachments: Attachment[]
  is_open: boolean
  created_at: string
  updated_at: string
}

export interface CallExtensionInput {
  org_id: number | null
  deadline: string
  reason: string
}

export interface CallExtension {
  id: number
  call_id: number
  org_id: number | null
  org_name: string | null
  deadline: string
  reason: string
  created_by_login: string
  created_at: string
}

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
