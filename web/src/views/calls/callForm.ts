import type { Call, CallContact, CallInput } from '../../api/calls'
import type { CodeName } from '../../api/common'
import { beijingInputToIso, isoToBeijingInput } from '../../utils/deadline'

/** Editable model: times as Beijing datetime-local strings. */
export interface CallFormModel {
  field: string
  title: string
  doc_number: string
  opens_at: string
  deadline: string
  status: 'draft' | 'published'
  contacts: CallContact[]
  postal_address: string
  postal_code: string
  postal_recipient: string
  directions: CodeName[]
}

export const CALL_FORM_FIELDS = [
  'field',
  'title',
  'doc_number',
  'opens_at',
  'deadline',
  'status',
  'contacts',
  'postal_address',
  'postal_code',
  'postal_recipient',
  'directions',
] as const

export function emptyCallModel(field = ''): CallFormModel {
  return {
    field,
    title: '',
    doc_number: '',
    opens_at: '',
    deadline: '',
    status: 'draft',
    contacts: [{ name: '', phone: '', email: '' }],
    postal_address: '',
    postal_code: '',
    postal_recipient: '',
    directions: [{ code: '', name: '' }],
  }
}

export function callToModel(c: Call): CallFormModel {
  return {
    field: c.field,
    title: c.title,
    doc_number: c.doc_number,
    opens_at: isoToBeijingInput(c.opens_at),
    deadline: isoToBeijingInput(c.deadline),
    status: c.status,
    contacts: c.contacts.map((x) => ({ ...x })),
    postal_address: c.postal_address,
    postal_code: c.postal_code,
    postal_recipient: c.postal_recipient,
    directions: c.directions.map((x) => ({ ...x })),
  }
}

/** Exactly the CallInput keys; empty contact/direction rows dropped. */
export function callModelToPayload(m: CallFormModel): CallInput {
  return {
    field: m.field,
    title: m.title.trim(),
    doc_number: m.doc_number.trim(),
    opens_at: beijingInputToIso(m.opens_at),
    deadline: beijingInputToIso(m.deadline),
    status: m.status,
    contacts: m.contacts
      .map((c) => ({ name: c.name.trim(), phone: c.phone.trim(), email: c.email.trim() }))
      .filter((c) => c.name || c.phone || c.email),
    postal_address: m.postal_address.trim(),
    postal_code: m.postal_code.trim(),
    postal_recipient: m.postal_recipient.trim(),
    directions: m.directions.map((d) => ({ code: d.code.trim(), name: d.name.trim() })).filter((d) => d.code || d.name),
  }
}
