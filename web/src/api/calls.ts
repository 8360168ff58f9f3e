import { http } from './http'
import type { Attachment } from './attachments'
import type { CodeName, Page } from './common'

/* ───────────── Calls (批次) — docs/API-applications.md ───────────── */

export type CallStatus = 'draft' | 'published'

export type AttachmentKind = 'notice' | 'guide' | 'form' | 'other'

export interface CallContact {
  name: string
  phone: string
  email: string
}

/** POST/PUT body of /api/calls — exactly these keys. */
export interface CallInput {
  field: string
  title: string
  doc_number: string
  /** RFC 3339. */
  opens_at: string
  /** RFC 3339; "2022-11-30 24:00" (Beijing) is 2022-12-01T00:00:00+08:00. */
  deadline: string
  status: CallStatus
  contacts: CallContact[]
  postal_address: string
  postal_code: string
  postal_recipient: string
  directions: CodeName[]
}

export interface Call extends CallInput {
  id: number
  field_name: string
  attachments: Attachment[]
  is_open: boolean
  created_at: string
  updated_at: string
}

export interface CallExtensionInput {
  org_id: number | null
  deadline: string
  reason: string
}

export interface CallExtension {
  id: number
  call_id: number
  org_id: number | null
  org_name: string | null
  deadline: string
  reason: string
  created_by_login: string
  created_at: string
}

export const callsApi = {
  /** No login: published calls, newest first. */
  listPublic: () => http.get<Call[]>('/api/public/calls', undefined, { authProbe: true }),
  list: (query: { page?: number; per_page?: number } = {}) => http.get<Page<Call>>('/api/calls', { ...query }),
  get: (id: number) => http.get<Call>(`/api/calls/${id}`),
  create: (body: CallInput) => http.post<Call>('/api/calls', body),
  update: (id: number, body: CallInput) => http.put<Call>(`/api/calls/${id}`, body),
  extensions: (id: number) => http.get<CallExtension[]>(`/api/calls/${id}/extensions`),
  extend: (id: number, body: CallExtensionInput) => http.post<CallExtension>(`/api/calls/${id}/extensions`, body),
  uploadAttachment: (id: number, file: File, kind: AttachmentKind) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file, file.name)
    return http.upload<Attachment>(`/api/calls/${id}/attachments`, form)
  },
}
