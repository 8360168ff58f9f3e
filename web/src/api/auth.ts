import { http } from './http'
import type { OrgKind } from './organizations'
import type { RoleGrant } from './users'

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

export const authApi = {
  /** Current session + CSRF token; `user` is null when not logged in. Never redirects. */
  session: () => http.get<SessionInfo>('/api/auth/session', undefined, { authProbe: true }),
  login: (login: string, password: string) =>
    http.post<LoginResponse>('/api/auth/login', { login, password }, { authProbe: true }),
  logout: () => http.post<void>('/api/auth/logout', undefined, { authProbe: true }),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/api/auth/password', { current_password, new_password }),
}
