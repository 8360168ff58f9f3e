import { describe, expect, it } from 'vitest'
import type { User } from '../src/api/users'
import { KNOWN_AUDIT_ACTIONS } from '../src/api/audit'
import { editModelToPayload, toggleDisabledPayload, userToEditModel } from '../src/views/users/userEdit'
import { SUBMIT_ONLY, mapFormErrors } from '../src/utils/formErrors'
import { toApiError } from '../src/api/http'
import { testTranslator } from './translator'

const user: User = {
  id: 7,
  login: 'jiangnan.staff',
  name: '钱鹏',
  org_id: 3,
  org_name: '江南半导体科技大学',
  phone: '139****3351',
  email: 'q***@jnsu.edu.cn',
  disabled: false,
  locked_until: null,
  roles: [],
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
}

describe('user edit payload', () => {
  it('starts from the name and status, never from the masked contacts', () => {
    const m = userToEditModel(user)
    expect(m).toEqual({ name: '钱鹏', disabled: false, change_phone: false, phone: '', change_email: false, email: '' })
  })

  it('leaves phone and email out when "修改" is not ticked (unchanged)', () => {
    const m = { ...userToEditModel(user), name: '  钱鹏（教务处） ', phone: 'typed but unticked' }
    const body = editModelToPayload(m)
    expect(body).toEqual({ name: '钱鹏（教务处）', disabled: false })
    expect('phone' in body).toBe(false)
    expect('email' in body).toBe(false)
    expect(JSON.stringify(body)).toBe('{"name":"钱鹏（教务处）","disabled":false}')
  })

  it('sends null for a ticked empty field (clears) and the trimmed value otherwise (sets)', () => {
    const m = { ...userToEditModel(user), change_phone: true, phone: '   ', change_email: true, email: ' new@jnsu.edu.cn ' }
    expect(editModelToPayload(m)).toEqual({ name: '钱鹏', disabled: false, phone: null, email: 'new@jnsu.edu.cn' })
  })

  it('quick toggle flips disabled, keeps the name and does not touch contacts', () => {
    expect(toggleDisabledPayload(user)).toEqual({ name: '钱鹏', disabled: true })
    expect(toggleDisabledPayload({ ...user, disabled: true })).toEqual({ name: '钱鹏', disabled: false })
  })

  it('puts self_disable beside the 停用账号 switch', () => {
    const err = toApiError(422, {
      error: { code: 'validation_failed', message: 'x', fields: [{ field: 'disabled', code: 'self_disable', message: '不能停用自己的账号' }] },
    })
    const m = mapFormErrors(err, testTranslator('zh-CN'), ['name', 'disabled', 'phone', 'email'])
    expect(m.fields.disabled).toBe('不能停用自己的账号')
    expect(testTranslator('en').t('errors.self_disable')).toBe('You cannot disable your own account')
  })
})

describe('submit-only rules', () => {
  // Element Plus runs a rule on blur/change only if its trigger names that event.
  it('is neither blur nor change', () => {
    expect(['blur', 'change']).not.toContain(SUBMIT_ONLY)
  })
})

describe('audit action labels', () => {
  it('every known action has a label in both languages', () => {
    for (const loc of ['zh-CN', 'en'] as const) {
      const tr = testTranslator(loc)
      for (const a of [...KNOWN_AUDIT_ACTIONS, 'demo.load']) expect(tr.te(`audit_actions.${a}`), `${loc} ${a}`).toBe(true)
    }
  })
})
