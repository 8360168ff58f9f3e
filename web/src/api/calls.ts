import { http } from './http'
import type { Attachment, AttachmentKind, Call, CallExtension, CallExtensionInput, CallInput, Page } from './types'

/** Download URL of any stored attachment (call or application); same-origin cookie auth. */
export const attachmentUrl = (id: number) => `/api/attachments/${id}`
/** A published call's document without login (GET /api/public/attachments/{id}). */
export const publicAttachmentUrl = (id: number) => `/api/public/attachments/${id}`

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
  deleteAttachment: (attachmentId: number) => http.del(`/api/attachments/${attachmentId}`),
}
