/**
 * The 申报书 on the client: empty/normalised form objects (the server refuses unknown keys),
 * the official section order, and the mapping from error paths to form items.
 *
 * Error paths come in several spellings and all map to one *field key* (the path inside the form):
 *   `form.lead.contact_phone` (submit 422)  → `lead.contact_phone`
 *   `lead.contact_phone` (form_errors)      → `lead.contact_phone`
 *   `form.partners[1].category`             → `partners[1].category`
 *   `partners[0]` (confirmation problem)    → `partners[0]`
 *   `deadline`                              → `deadline`
 */
import type { ApplicationForm, ConstructionPlan, FieldErrorItem, PartnerBlock } from '../api/applications'
import type { Translator } from '../i18n'

/** Sections in the order of the official paper form, then the uploads. */
export const FORM_SECTIONS = ['lead', 'partners', 'ie', 'goals', 'guarantees', 'commitment'] as const
export const OUTLINE_SECTIONS = [...FORM_SECTIONS, 'attachments'] as const
export type SectionKey = (typeof OUTLINE_SECTIONS)[number]

/** 1+3+1 plan sub-sections, in the guide's order (ConstructionPlan::HEADINGS). */
export const PLAN_KEYS = [
  'management_body',
  'research_institute',
  'teaching_resource_center',
  'practice_training_center',
  'innovation_cooperation_center',
  'smart_cloud_platform',
] as const satisfies readonly (keyof ConstructionPlan)[]

export function emptyPartner(): PartnerBlock {
  return { org_id: null, name: '', uscc: '', category: null, contact: '', contact_phone: '', contact_email: '', profile: '' }
}

export function emptyForm(): ApplicationForm {
  return {
    lead: {
      institution_type: null,
      name: '',
      nature: null,
      contact_name: '',
      contact_title: '',
      contact_phone: '',
      contact_email: '',
      profile: '',
      direction: null,
      supporting_projects: [],
      supporting_projects_other: '',
      funding_sources: [],
      funding_sources_other: '',
    },
    partners: [],
    industry_education: { main_work: '', results: '', innovation: '' },
    goals: {
      goals: '',
      plan: {
        management_body: '',
        research_institute: '',
        teaching_resource_center: '',
        practice_training_center: '',
        innovation_cooperation_center: '',
        smart_cloud_platform: '',
      },
      innovation: '',
    },
    guarantees: { facilities: '', organisation: '', funding: '', other: '' },
    commitment: { responsible_person: '', agreed: false, office_meeting_approved: false, office_meeting_date: '' },
  }
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v)

/** Copy `src` onto the shape of `template`: known keys only, right types, defaults elsewhere. */
function shape<T>(template: T, src: unknown): T {
  if (Array.isArray(template)) {
    return (Array.isArray(src) ? src.filter((x) => typeof x === 'string') : []) as T
  }
  if (isObj(template)) {
    const out: Obj = {}
    const s = isObj(src) ? src : {}
    for (const [k, def] of Object.entries(template)) out[k] = shape(def, s[k])
    return out as T
  }
  if (template === null) {
    // nullable string (choice) or nullable number (org_id)
    return (typeof src === 'string' || typeof src === 'number' ? src : null) as T
  }
  if (typeof template === 'boolean') return (typeof src === 'boolean' ? src : template) as T
  if (typeof template === 'string') return (typeof src === 'string' ? src : template) as T
  return template
}

/** A complete, well-typed form from whatever the server or localStorage held (unknown keys dropped). */
export function normaliseForm(raw: unknown): ApplicationForm {
  const base = shape(emptyForm(), raw)
  const partners = isObj(raw) && Array.isArray(raw.partners) ? raw.partners : []
  base.partners = partners.map((p) => {
    const b = shape(emptyPartner(), p)
    b.org_id = typeof b.org_id === 'number' ? b.org_id : null
    b.category = typeof b.category === 'string' ? b.category : null
    return b
  })
  return base
}

export function cloneForm(f: ApplicationForm): ApplicationForm {
  return JSON.parse(JSON.stringify(f)) as ApplicationForm
}

export function sameForm(a: ApplicationForm, b: ApplicationForm): boolean {
  return JSON.stringify(normaliseForm(a)) === JSON.stringify(normaliseForm(b))
}

/** Any error path → field key inside the form (see the module comment). */
export function fieldKey(path: string): string {
  let p = path.trim()
  if (p.startsWith('form.')) p = p.slice(5)
  else if (p === 'form') p = ''
  // tolerate `partners.1.name` and `/lead/name` spellings
  p = p.replace(/^\//, '').replace(/\//g, '.')
  p = p.replace(/\.(\d+)(?=\.|$)/g, '[$1]')
  return p
}

/** Which outline section a field key belongs to; `general` for deadline and the like. */
export function sectionOf(key: string): SectionKey | 'general' {
  const head = key.split(/[.[]/)[0]
  switch (head) {
    case 'lead':
      return 'lead'
    case 'partners':
      return 'partners'
    case 'industry_education':
      return 'ie'
    case 'goals':
      return 'goals'
    case 'guarantees':
      return 'guarantees'
    case 'commitment':
      return 'commitment'
    case 'attachments':
      return 'attachments'
    default:
      return 'general'
  }
}

/** Index of the partner block a key points into (`partners[2].name` → 2), else null. */
export function partnerIndex(key: string): number | null {
  const m = /^partners\[(\d+)\]/.exec(key)
  return m ? Number(m[1]) : null
}

/** DOM id of the form item showing a field key (for "jump to field"). */
export function fieldDomId(key: string): string {
  return 'fld-' + key.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-+$/, '')
}

/** i18n key of the field's label: indices dropped (`partners[1].category` → `appform.f.partners.category`). */
export function labelKey(key: string): string {
  return 'appform.f.' + key.replace(/\[\d+\]/g, '')
}

export interface MappedProblem {
  key: string
  section: SectionKey | 'general'
  code: string
  message: string
}

export interface MappedErrors {
  /** field key → message(s) beside that form item */
  byField: Record<string, string>
  /** section → number of problems */
  bySection: Partial<Record<SectionKey | 'general', number>>
  /** every problem in the official order of sections, for the 「检查」 list */
  list: MappedProblem[]
}

/**
 * Translate one form problem. zh-CN prefers the server's own message (it names the field:
 * 「请选择申报方向」); other locales prefer the catalogue entry for the code.
 */
export function problemMessage(fe: FieldErrorItem, tr: Translator, preferServer: boolean): string {
  const key = `errors.${fe.code}`
  if (preferServer && fe.message) return fe.message
  if (tr.te(key)) return tr.t(key)
  return fe.message || fe.code
}

const SECTION_ORDER: (SectionKey | 'general')[] = ['general', ...OUTLINE_SECTIONS]

/** Group problems (already merged from all sources) by field and section; duplicates dropped. */
export function mapProblems(errors: readonly FieldErrorItem[], tr: Translator, preferServer = true): MappedErrors {
  const out: MappedErrors = { byField: {}, bySection: {}, list: [] }
  const seen = new Set<string>()
  const sep = tr.t('common.separator')
  for (const fe of errors) {
    const key = fieldKey(fe.field)
    const id = `${key}|${fe.code}`
    if (seen.has(id)) continue
    seen.add(id)
    const message = problemMessage(fe, tr, preferServer)
    const section = sectionOf(key)
    out.byField[key] = out.byField[key] ? out.byField[key] + sep + message : message
    out.bySection[section] = (out.bySection[section] ?? 0) + 1
    out.list.push({ key, section, code: fe.code, message })
  }
  out.list.sort((a, b) => SECTION_ORDER.indexOf(a.section) - SECTION_ORDER.indexOf(b.section))
  return out
}

/** Human label of a field key for the problem list: 「联合申报单位 2 · 单位类别」. */
export function fieldLabel(key: string, tr: Translator): string {
  if (!/[.[]/.test(key)) return '' // a whole section (`partners`) or `deadline`: the section name says it all
  const idx = partnerIndex(key)
  const lk = labelKey(key)
  const own = tr.te(lk) ? tr.t(lk) : ''
  if (idx !== null) {
    const block = tr.t('appform.partner_n', { n: idx + 1 })
    return own && key !== `partners[${idx}]` ? `${block} · ${own}` : block
  }
  return own || key
}

/**
 * The 单位类别 a registered organisation implies, for prefilling a partner block:
 * enterprises by their SRDI standing, the other kinds by name.
 */
export function categoryForOrg(kind: string, srdiLevel: string | null | undefined): string | null {
  switch (kind) {
    case 'enterprise':
      return srdiLevel === 'little_giant' || srdiLevel === 'provincial_srdi' ? srdiLevel : 'other'
    case 'sme_center':
    case 'association':
    case 'park':
      return kind
    default:
      return 'other'
  }
}

/** The organisation kind (and SRDI level) a partner category implies, for the invite registration form. */
export function orgKindForCategory(category: string | null | undefined): { kind: string; srdi_level: string } {
  switch (category) {
    case 'little_giant':
    case 'provincial_srdi':
      return { kind: 'enterprise', srdi_level: category }
    case 'sme_center':
    case 'association':
    case 'park':
      return { kind: category, srdi_level: '' }
    case 'other':
      return { kind: 'enterprise', srdi_level: 'other' }
    default:
      return { kind: '', srdi_level: '' }
  }
}
