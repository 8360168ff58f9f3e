import { describe, expect, it } from 'vitest'
import { formatShanghai } from '../src/utils/datetime'
import { checkUscc } from '../src/utils/uscc'
import { modelToPayload, emptyOrgModel } from '../src/views/organizations/orgForm'
import zhCN from '../src/locales/zh-CN'
import en from '../src/locales/en'

describe('formatShanghai', () => {
  it('formats in UTC+8', () => {
    expect(formatShanghai('2024-12-31T16:30:05Z')).toBe('2025-01-01 00:30:05')
    expect(formatShanghai('2025-03-01T08:00:00+08:00')).toBe('2025-03-01 08:00:00')
  })
  it('passes through empty and invalid values', () => {
    expect(formatShanghai(null)).toBe('')
    expect(formatShanghai('not a date')).toBe('not a date')
  })
})

describe('checkUscc', () => {
  it('accepts a valid code', () => {
    expect(checkUscc('91350100M000100Y43')).toBeNull()
  })
  it('reports length, charset and checksum problems', () => {
    expect(checkUscc('123')).toBe('uscc_length')
    expect(checkUscc('91350100M000100YI3')).toBe('uscc_charset')
    expect(checkUscc('91350100M000100Y44')).toBe('uscc_checksum')
  })
})

describe('organisation payload', () => {
  it('sends exactly the documented keys with null for empty optionals', () => {
    const m = { ...emptyOrgModel(), kind: 'enterprise', name: ' 甲公司 ', uscc: '91350100m000100y43', srdi_level: 'little_giant', field: 'advanced_semiconductor', university_type: 'undergraduate' }
    const p = modelToPayload(m)
    expect(Object.keys(p).sort()).toEqual(
      ['kind', 'name', 'uscc', 'province_code', 'city', 'address', 'postal_code', 'contact_name', 'contact_phone', 'contact_email', 'university_type', 'university_nature', 'srdi_level', 'field'].sort(),
    )
    expect(p.name).toBe('甲公司')
    expect(p.uscc).toBe('91350100M000100Y43')
    expect(p.city).toBeNull()
    expect(p.srdi_level).toBe('little_giant')
    // not applicable to an enterprise → null even if the model still holds a value
    expect(p.field).toBeNull()
    expect(p.university_type).toBeNull()
  })
})

describe('catalogues', () => {
  const keys = (o: object, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
  it('en has exactly the zh-CN keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
  it('every documented error code has a translation', () => {
    const codes =
      'validation_failed unknown_field invalid_json invalid_credentials account_locked unauthenticated session_expired forbidden not_found conflict csrf_failed too_long required uscc_length uscc_charset uscc_checksum mobile_format landline_format phone_format email_format postal_code_format province_code password_too_short password_too_long password_classes password_contains_login wrong_password login_taken role_conflict rate_limited internal'.split(
        ' ',
      )
    for (const c of codes) {
      expect(zhCN.errors).toHaveProperty(c)
      expect(en.errors).toHaveProperty(c)
    }
  })
  it('every calls/applications error code and status has a translation', () => {
    const codes =
      'deadline_passed already_submitted stale_revision application_exists srdi_partner_required partners_required partner_not_confirmed direction_not_in_call commitment_required office_meeting_required invalid_file_type file_too_large application_files_too_large invite_invalid correction_due_required reasons_required not_open'.split(
        ' ',
      )
    for (const c of codes) {
      expect(zhCN.errors).toHaveProperty(c)
      expect(en.errors).toHaveProperty(c)
    }
    expect(zhCN.errors.partner_not_confirmed).toBe('联合申报单位尚未确认')
    expect(zhCN.errors.not_open).toBe('该批次尚未开放或已截止')
    const statuses = 'draft submitted returned accepted_for_review under_review reviewed shortlisted not_selected initiated under_construction mid_term_passed rectify accepted acceptance_failed plaque_awarded withdrawn'.split(' ')
    for (const s of statuses) {
      expect(zhCN.app_status).toHaveProperty(s)
      expect(en.app_status).toHaveProperty(s)
    }
    expect(zhCN.app_status.accepted_for_review).toBe('形式审查通过')
  })
})
