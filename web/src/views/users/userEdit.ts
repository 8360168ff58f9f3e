import type { User, UserUpdateInput } from '../../api/users'

/** Server field names the edit dialog has an item for (`self_disable` comes on `disabled`). */
export const USER_EDIT_FIELDS = ['name', 'disabled', 'phone', 'email'] as const

/**
 * The edit dialog's model. Phone and e-mail are only ever shown masked, so the dialog cannot
 * pre-fill them: each has a "修改" switch, and only a ticked one is sent.
 */
export interface UserEditModel {
  name: string
  disabled: boolean
  change_phone: boolean
  phone: string
  change_email: boolean
  email: string
}

export function userToEditModel(u: User | null): UserEditModel {
  return {
    name: u?.name ?? '',
    disabled: u?.disabled ?? false,
    change_phone: false,
    phone: '',
    change_email: false,
    email: '',
  }
}

/**
 * Body of PUT /api/users/{id}: an unticked contact is left out (unchanged),
 * a ticked but empty one is sent as null (cleared), otherwise the trimmed value (set).
 */
export function editModelToPayload(m: UserEditModel): UserUpdateInput {
  const body: UserUpdateInput = { name: m.name.trim(), disabled: m.disabled }
  if (m.change_phone) body.phone = m.phone.trim() || null
  if (m.change_email) body.email = m.email.trim() || null
  return body
}

/** Body for the 停用/启用 quick action: flips `disabled`, keeps the name, leaves contacts alone. */
export function toggleDisabledPayload(u: User): UserUpdateInput {
  return { name: u.name, disabled: !u.disabled }
}
