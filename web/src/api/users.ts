import { http } from './http'
import type { Page } from './common'

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

export interface RoleGrant {
  id: number
  role: RoleName | string
  org_id: number | null
  org_name: string | null
  field: string | null
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

export const usersApi = {
  list: (query: UserQuery = {}) => http.get<Page<User>>('/api/users', { ...query }),
  create: (body: UserCreateInput) => http.post<User>('/api/users', body),
  update: (id: number, body: UserUpdateInput) => http.put<User>(`/api/users/${id}`, body),
  grantRole: (id: number, body: RoleGrantInput) => http.post<RoleGrant>(`/api/users/${id}/roles`, body),
  revokeRole: (id: number, grantId: number) => http.del(`/api/users/${id}/roles/${grantId}`),
  unlock: (id: number) => http.post<void>(`/api/users/${id}/unlock`),
  resetPassword: (id: number, new_password: string) =>
    http.post<void>(`/api/users/${id}/password`, { new_password }),
}
