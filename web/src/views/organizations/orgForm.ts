import type { Organization, OrganizationInput } from '../../api/organizations'

/** Editable model: plain strings for inputs ("" = empty); converted to the API body on save. */
export type OrgFormModel = { [K in keyof OrganizationInput]: string }

export const ORG_FORM_FIELDS: readonly (keyof OrganizationInput)[] = [
  'kind',
  'name',
  'uscc',
  'province_code',
  'city',
  'address',
  'postal_code',
  'contact_name',
  'contact_phone',
  'contact_email',
  'university_type',
  'university_nature',
  'srdi_level',
  'field',
]

export function emptyOrgModel(): OrgFormModel {
  const m = {} as OrgFormModel
  for (const k of ORG_FORM_FIELDS) m[k] = ''
  return m
}

export function orgToModel(org: Organization): OrgFormModel {
  const m = emptyOrgModel()
  for (const k of ORG_FORM_FIELDS) m[k] = org[k] ?? ''
  return m
}

/** Which conditional items a kind shows. */
export function kindExtras(kind: string) {
  return {
    university: kind === 'university',
    enterprise: kind === 'enterprise',
    alliance: kind === 'alliance',
  }
}

const opt = (v: string): string | null => {
  const s = v.trim()
  return s === '' ? null : s
}

/** Exactly the documented keys; null (never "") for empty optional or not-applicable fields. */
export function modelToPayload(m: OrgFormModel): OrganizationInput {
  const x = kindExtras(m.kind)
  return {
    kind: m.kind,
    name: m.name.trim(),
    uscc: m.uscc.trim().toUpperCase(),
    province_code: m.province_code,
    city: opt(m.city),
    address: opt(m.address),
    postal_code: opt(m.postal_code),
    contact_name: m.contact_name.trim(),
    contact_phone: m.contact_phone.trim(),
    contact_email: m.contact_email.trim(),
    university_type: x.university ? opt(m.university_type) : null,
    university_nature: x.university ? opt(m.university_nature) : null,
    srdi_level: x.enterprise ? opt(m.srdi_level) : null,
    field: x.alliance ? opt(m.field) : null,
  }
}
