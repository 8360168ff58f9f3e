import { describe, expect, it } from 'vitest'
import {
  categoryForOrg,
  emptyForm,
  fieldDomId,
  fieldKey,
  fieldLabel,
  labelKey,
  mapProblems,
  normaliseForm,
  orgKindForCategory,
  partnerIndex,
  sameForm,
  sectionOf,
} from '../src/utils/applicationForm'
import { exportUrl, printUrl } from '../src/api/applications'
import { testTranslator } from './translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')

describe('error paths → field keys', () => {
  it('strips the form. prefix of submit errors', () => {
    expect(fieldKey('form.lead.contact_phone')).toBe('lead.contact_phone')
    expect(fieldKey('form.partners[1].category')).toBe('partners[1].category')
    expect(fieldKey('form.goals.plan.research_institute')).toBe('goals.plan.research_institute')
  })
  it('keeps form_errors paths, confirmation and deadline paths as they are', () => {
    expect(fieldKey('lead.contact_phone')).toBe('lead.contact_phone')
    expect(fieldKey('partners[0]')).toBe('partners[0]')
    expect(fieldKey('partners')).toBe('partners')
    expect(fieldKey('deadline')).toBe('deadline')
  })
  it('accepts dotted and slashed index spellings', () => {
    expect(fieldKey('form.partners.2.contact_email')).toBe('partners[2].contact_email')
    expect(fieldKey('/lead/name')).toBe('lead.name')
    expect(fieldKey('partners.0')).toBe('partners[0]')
  })
  it('puts each key in its section of the official order', () => {
    expect(sectionOf('lead.funding_sources_other')).toBe('lead')
    expect(sectionOf('partners[3].uscc')).toBe('partners')
    expect(sectionOf('partners[1]')).toBe('partners')
    expect(sectionOf('partners')).toBe('partners')
    expect(sectionOf('industry_education.results')).toBe('ie')
    expect(sectionOf('goals.plan.smart_cloud_platform')).toBe('goals')
    expect(sectionOf('guarantees.funding')).toBe('guarantees')
    expect(sectionOf('commitment.office_meeting_approved')).toBe('commitment')
    expect(sectionOf('deadline')).toBe('general')
  })
  it('derives partner index, DOM id and label key', () => {
    expect(partnerIndex('partners[12].name')).toBe(12)
    expect(partnerIndex('partners[0]')).toBe(0)
    expect(partnerIndex('lead.name')).toBeNull()
    expect(fieldDomId('partners[1].category')).toBe('fld-partners-1-category')
    expect(fieldDomId('partners[1]')).toBe('fld-partners-1')
    expect(fieldDomId('lead.contact_phone')).toBe('fld-lead-contact_phone')
    expect(labelKey('partners[1].category')).toBe('appform.f.partners.category')
  })
  it('has a label for every path the server checks', () => {
    const paths = [
      'lead.institution_type', 'lead.name', 'lead.nature', 'lead.contact_name', 'lead.contact_title', 'lead.contact_phone',
      'lead.contact_email', 'lead.profile', 'lead.direction', 'lead.supporting_projects', 'lead.supporting_projects_other',
      'lead.funding_sources', 'lead.funding_sources_other', 'partners[0].name', 'partners[0].category', 'partners[0].contact',
      'partners[0].contact_phone', 'partners[0].contact_email', 'partners[0].profile', 'partners[0].uscc',
      'industry_education.main_work', 'industry_education.results', 'industry_education.innovation', 'goals.goals',
      'goals.plan.management_body', 'goals.plan.research_institute', 'goals.plan.teaching_resource_center',
      'goals.plan.practice_training_center', 'goals.plan.innovation_cooperation_center', 'goals.plan.smart_cloud_platform',
      'goals.innovation', 'guarantees.facilities', 'guarantees.organisation', 'guarantees.funding', 'guarantees.other',
      'commitment.responsible_person', 'commitment.agreed', 'commitment.office_meeting_approved', 'commitment.office_meeting_date',
    ]
    for (const p of paths) {
      expect(zh.te(labelKey(p)), p).toBe(true)
      expect(en.te(labelKey(p)), p).toBe(true)
    }
    expect(fieldLabel('partners[1].category', zh)).toBe('联合申报单位 2 · 单位类别')
    expect(fieldLabel('partners[0]', zh)).toBe('联合申报单位 1')
    expect(fieldLabel('lead.contact_phone', zh)).toBe('联系电话')
    expect(fieldLabel('partners', zh)).toBe('')
  })
})

describe('mapProblems', () => {
  const problems = [
    { field: 'commitment.agreed', code: 'commitment_required', message: '请确认承诺意见' },
    { field: 'lead.direction', code: 'required', message: '请选择申报方向' },
    { field: 'form.lead.direction', code: 'required', message: '请选择申报方向' },
    { field: 'form.partners[1].category', code: 'required', message: '请选择单位类别' },
    { field: 'partners[0]', code: 'partner_not_confirmed', message: '' },
    { field: 'deadline', code: 'deadline_passed', message: '' },
    { field: 'lead.contact_phone', code: 'phone_format', message: '电话号码格式不正确' },
    { field: 'lead.contact_phone', code: 'required', message: '请填写联系电话' },
  ]
  it('groups by field and section, drops duplicates and sorts by the official order', () => {
    const m = mapProblems(problems, zh)
    expect(m.byField['lead.direction']).toBe('请选择申报方向')
    expect(m.byField['partners[1].category']).toBe('请选择单位类别')
    expect(m.byField['partners[0]']).toBe('联合申报单位尚未确认')
    expect(m.byField.deadline).toBe('已超过申报截止时间')
    expect(m.byField['lead.contact_phone']).toBe('电话号码格式不正确；请填写联系电话')
    expect(m.bySection).toEqual({ general: 1, lead: 3, partners: 2, commitment: 1 })
    expect(m.list.map((p) => p.section)).toEqual(['general', 'lead', 'lead', 'lead', 'partners', 'partners', 'commitment'])
  })
  it('prefers the catalogue over the server text in English', () => {
    const m = mapProblems(problems, en, false)
    expect(m.byField['commitment.agreed']).toBe(en.t('errors.commitment_required'))
    expect(m.byField['lead.direction']).toBe(en.t('errors.required'))
  })
  it('is empty for no problems', () => {
    const m = mapProblems([], zh)
    expect(m.list).toEqual([])
    expect(m.bySection).toEqual({})
  })
})

describe('normaliseForm', () => {
  it('fills every missing key with its default', () => {
    expect(normaliseForm({})).toEqual(emptyForm())
    expect(normaliseForm(null)).toEqual(emptyForm())
  })
  it('drops unknown keys (the server refuses them) and wrong types', () => {
    const f = normaliseForm({
      status: 'initiated',
      lead: { name: '某大学', bogus: 1, supporting_projects: ['other', 3], agreed: 'yes', direction: 'power_devices' },
      partners: [{ name: '甲公司', org_id: 7, category: 'little_giant', extra: true }, { org_id: '8' }],
      commitment: { agreed: 'true', office_meeting_approved: true },
    })
    expect(f).not.toHaveProperty('status')
    expect(f.lead).not.toHaveProperty('bogus')
    expect(f.lead.name).toBe('某大学')
    expect(f.lead.direction).toBe('power_devices')
    expect(f.lead.supporting_projects).toEqual(['other'])
    expect(f.partners[0]).toEqual({ org_id: 7, name: '甲公司', uscc: '', category: 'little_giant', contact: '', contact_phone: '', contact_email: '', profile: '' })
    expect(f.partners[1]!.org_id).toBeNull()
    expect(f.commitment.agreed).toBe(false)
    expect(f.commitment.office_meeting_approved).toBe(true)
    expect(Object.keys(f.goals.plan)).toHaveLength(6)
  })
  it('compares forms by content', () => {
    const a = emptyForm()
    const b = normaliseForm({ lead: { name: '' } })
    expect(sameForm(a, b)).toBe(true)
    b.lead.name = 'x'
    expect(sameForm(a, b)).toBe(false)
  })
})

describe('partner categories ↔ organisation kinds', () => {
  it('derives the form category of a registered organisation', () => {
    expect(categoryForOrg('enterprise', 'little_giant')).toBe('little_giant')
    expect(categoryForOrg('enterprise', 'provincial_srdi')).toBe('provincial_srdi')
    expect(categoryForOrg('enterprise', 'chain_leader')).toBe('other')
    expect(categoryForOrg('park', null)).toBe('park')
    expect(categoryForOrg('university', null)).toBe('other')
  })
  it('derives the organisation kind for registration from a category', () => {
    expect(orgKindForCategory('little_giant')).toEqual({ kind: 'enterprise', srdi_level: 'little_giant' })
    expect(orgKindForCategory('sme_center')).toEqual({ kind: 'sme_center', srdi_level: '' })
    expect(orgKindForCategory(null)).toEqual({ kind: '', srdi_level: '' })
  })
})

describe('download links', () => {
  it('builds print and export URLs', () => {
    expect(printUrl(5, 'pdf')).toBe('/api/applications/5/print?format=pdf')
    expect(printUrl(5, 'docx', 2)).toBe('/api/applications/5/print?format=docx&version=2')
    expect(exportUrl({ call_id: 3, status: '', q: '大学', page: 2, per_page: 20 })).toBe(
      `/api/applications/export.xlsx?call_id=3&q=${encodeURIComponent('大学')}`,
    )
  })
})
