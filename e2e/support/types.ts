/**
 * Shapes of the review API's answers (docs/API-review.md) that more than one spec reads; only
 * the fields the tests use.
 */

export interface Expert {
  user_id: number
  login: string
  name: string
  email: string | null
  title: string
  affiliation_org_id: number | null
  affiliation_name: string
  province_code: string
  fields: string[]
  keywords: string[]
  max_load: number
  available: boolean
  conflict_org_ids: number[]
  conflict_application_ids: number[]
}

export interface Assignment {
  id: number
  application_id: number
  number: string | null
  user_id: number
  expert_name: string
  status: string
  source: string
  decline_reason: string | null
  replaces_id: number | null
}
