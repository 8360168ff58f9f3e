import { http } from './http'
import type { Page, RoleGrant, RoleGrantInput, User, UserCreateInput, UserQuery, UserUpdateInput } from './types'

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
