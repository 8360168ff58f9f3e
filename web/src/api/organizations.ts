import { http } from './http'
import type { Page } from './common'

export type OrgKind = 'office' | 'alliance' | 'university' | 'enterprise' | 'sme_center' | 'association' | 'park'

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

export const organizationsApi = {
  list: (query: OrganizationQuery = {}) => http.get<Page<Organization>>('/api/organizations', { ...query }),
  get: (id: number) => http.get<Organization>(`/api/organizations/${id}`),
  create: (body: OrganizationInput) => http.post<Organization>('/api/organizations', body),
  update: (id: number, body: OrganizationInput) => http.put<Organization>(`/api/organizations/${id}`, body),
}
