/** The model of the expert form (ExpertEditDialog) and its API body. Unit-tested (tests/review/forms.test.ts). */
import type { Expert, ExpertInput } from '../../api/review'

export const EXPERT_FIELDS = [
  'title',
  'affiliation_org_id',
  'affiliation_name',
  'province_code',
  'fields',
  'keywords',
  'max_load',
  'available',
  'conflict_org_ids',
  'conflict_application_ids',
] as const

export function expertToInput(e: Expert | null): ExpertInput {
  return {
    title: e?.title ?? '',
    affiliation_org_id: e?.affiliation_org_id ?? null,
    affiliation_name: e?.affiliation_name ?? '',
    province_code: e?.province_code ?? '',
    fields: [...(e?.fields ?? [])],
    keywords: [...(e?.keywords ?? [])],
    max_load: e?.max_load ?? 10,
    available: e?.available ?? true,
    conflict_org_ids: [...(e?.conflict_org_ids ?? [])],
    conflict_application_ids: [...(e?.conflict_application_ids ?? [])],
  }
}

/** Trimmed, de-duplicated keywords; the rest as typed. */
export function expertInputPayload(m: ExpertInput): ExpertInput {
  const kw: string[] = []
  for (const k of m.keywords.map((x) => x.trim())) if (k && !kw.includes(k)) kw.push(k)
  return {
    ...m,
    title: m.title.trim(),
    affiliation_name: m.affiliation_name.trim(),
    keywords: kw,
    max_load: Number(m.max_load),
    fields: [...m.fields],
    conflict_org_ids: [...m.conflict_org_ids],
    conflict_application_ids: [...m.conflict_application_ids],
  }
}
