/** Stored files (call and application attachments): GET / DELETE /api/attachments/{id}. */
import { http } from './http'

export interface Attachment {
  id: number
  /** A call attachment kind (AttachmentKind in calls.ts) or an application one (evidence, other). */
  kind: string
  filename: string
  content_type: string
  size: number
  sha256: string
  created_at: string
}

/** Download URL of any stored attachment (call or application); same-origin cookie auth. */
export const attachmentUrl = (id: number) => `/api/attachments/${id}`
/** A published call's document without login (GET /api/public/attachments/{id}). */
export const publicAttachmentUrl = (id: number) => `/api/public/attachments/${id}`

export const attachmentsApi = {
  remove: (attachmentId: number) => http.del(`/api/attachments/${attachmentId}`),
}
