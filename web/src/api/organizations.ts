import { http } from './http'
import type { Organization, OrganizationInput, OrganizationQuery, Page } from './types'

export const organizationsApi = {
  list: (query: OrganizationQuery = {}) => http.get<Page<Organization>>('/api/organizations', { ...query }),
  get: (id: number) => http.get<Organization>(`/api/organizations/${id}`),
  create: (body: OrganizationInput) => http.post<Organization>('/api/organizations', body),
  update: (id: number, body: OrganizationInput) => http.put<Organization>(`/api/organizations/${id}`, body),
}
