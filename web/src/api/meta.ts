import { http } from './http'
import type { CodeName } from './common'

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

export const metaApi = {
  get: () => http.get<Meta>('/api/meta'),
}
