import { http } from './http'
import type { LoginResponse, SessionInfo } from './types'

export const authApi = {
  /** Current session + CSRF token; `user` is null when not logged in. Never redirects. */
  session: () => http.get<SessionInfo>('/api/auth/session', undefined, { authProbe: true }),
  login: (login: string, password: string) =>
    http.post<LoginResponse>('/api/auth/login', { login, password }, { authProbe: true }),
  logout: () => http.post<void>('/api/auth/logout', undefined, { authProbe: true }),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/api/auth/password', { current_password, new_password }),
}
