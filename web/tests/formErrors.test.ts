import { describe, expect, it } from 'vitest'
import { ApiError, toApiError } from '../src/api/http'
import { fieldErrorMessage, flatErrorMessage, mapFormErrors } from '../src/utils/formErrors'
import { testTranslator } from './translator'

const tr = testTranslator('zh-CN')

function validation(fields: { field: string; code: string; message: string }[]): ApiError {
  return toApiError(422, { error: { code: 'validation_failed', message: '输入有误', fields, request_id: 'r1' } })
}

describe('fieldErrorMessage', () => {
  it('translates the field code', () => {
    expect(fieldErrorMessage({ field: 'uscc', code: 'uscc_checksum', message: 'x' }, tr)).toBe(tr.t('errors.uscc_checksum'))
  })
  it('falls back to the server message, then the code', () => {
    expect(fieldErrorMessage({ field: 'x', code: 'new_rule', message: '新规则' }, tr)).toBe('新规则')
    expect(fieldErrorMessage({ field: 'x', code: 'new_rule', message: '' }, tr)).toBe('new_rule')
  })
})

describe('mapFormErrors', () => {
  it('puts each field error beside its form item', () => {
    const m = mapFormErrors(
      validation([
        { field: 'uscc', code: 'uscc_length', message: '' },
        { field: 'contact_phone', code: 'phone_format', message: '' },
      ]),
      tr,
      ['uscc', 'contact_phone', 'name'],
    )
    expect(m.fields).toEqual({ uscc: tr.t('errors.uscc_length'), contact_phone: tr.t('errors.phone_format') })
    expect(m.other).toEqual([])
    expect(m.summary).toBe(tr.t('errors.validation_failed'))
  })

  it('joins several errors for one field', () => {
    const m = mapFormErrors(
      validation([
        { field: 'new_password', code: 'password_too_short', message: '' },
        { field: 'new_password', code: 'password_classes', message: '' },
      ]),
      tr,
    )
    expect(m.fields.new_password).toBe(`${tr.t('errors.password_too_short')}；${tr.t('errors.password_classes')}`)
  })

  it('lists errors for fields the form does not show', () => {
    const m = mapFormErrors(validation([{ field: 'bogus', code: 'unknown_field', message: '' }]), tr, ['name'])
    expect(m.fields).toEqual({})
    expect(m.other).toEqual([`bogus: ${tr.t('errors.unknown_field')}`])
  })

  it('gives only a summary for errors without fields', () => {
    const m = mapFormErrors(toApiError(409, { error: { code: 'conflict', message: 'dup', fields: [] } }), tr, ['name'])
    expect(m.fields).toEqual({})
    expect(m.summary).toBe(tr.t('errors.conflict'))
  })

  it('handles no error and foreign errors', () => {
    expect(mapFormErrors(null, tr)).toEqual({ fields: {}, other: [], summary: '' })
    expect(mapFormErrors(new Error('x'), tr).summary).toBe(tr.t('errors.unknown'))
  })

  it('works in English', () => {
    const en = testTranslator('en')
    const m = mapFormErrors(validation([{ field: 'email', code: 'email_format', message: '邮箱格式错误' }]), en, ['email'])
    expect(m.fields.email).toBe('Invalid email address')
  })
})

describe('flatErrorMessage', () => {
  it('shows the field messages of an upload refusal instead of the bare summary', () => {
    const e = validation([{ field: 'file', code: 'invalid_file_type', message: '文件类型不支持：仅接受 PDF、DOCX、XLSX、JPG、PNG 文件' }])
    expect(flatErrorMessage(e, tr)).toBe(tr.t('errors.invalid_file_type'))
    expect(flatErrorMessage(e, tr)).not.toBe(tr.t('errors.validation_failed'))
  })
  it('falls back to the server message and joins distinct messages', () => {
    const e = validation([
      { field: 'file', code: 'new_rule', message: '新规则' },
      { field: 'file', code: 'new_rule', message: '新规则' },
      { field: 'kind', code: 'invalid_choice', message: '类别无效' },
    ])
    expect(flatErrorMessage(e, tr)).toBe(`新规则；${fieldErrorMessage({ field: 'kind', code: 'invalid_choice', message: '类别无效' }, tr)}`)
  })
  it('gives the summary for errors without fields', () => {
    expect(flatErrorMessage(toApiError(409, { error: { code: 'conflict', message: 'dup', fields: [] } }), tr)).toBe(tr.t('errors.conflict'))
    expect(flatErrorMessage(new Error('x'), tr)).toBe(tr.t('errors.unknown'))
  })
})
