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

export interface UserUpdateInput {
  name: string
  phone: string | null
  email: string | null
  disabled: boolean
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
