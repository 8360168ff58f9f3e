import { buildQuery, http } from './http'
import type {
  Application,
  ApplicationForm,
  ApplicationMeta,
  ApplicationQuery,
  ApplicationSummary,
  ApplicationVersion,
  ApplicationVersionDetail,
  Attachment,
  DirectoryOrg,
  FormalCheckInput,
  InviteAcceptInput,
  InviteLink,
  Page,
  PaperCopy,
  PaperCopyInput,
  PartnerDecision,
  PartnerStatus,
  PublicInvite,
  SaveFormResult,
  VerifyResult,
} from './types'

export type PrintFormat = 'pdf' | 'docx'

/** Plain link targets (downloads ride on the same-origin session cookie). */
export function printUrl(id: number, format: PrintFormat, version?: number | null): string {
  return `/api/applications/${id}/print${buildQuery({ format, version: version ?? undefined })}`
}

export function exportUrl(query: ApplicationQuery): string {
  const { page: _p, per_page: _pp, ...filters } = query
  return `/api/applications/export.xlsx${buildQuery(filters)}`
}

export const applicationsApi = {
  meta: () => http.get<ApplicationMeta>('/api/meta/application'),
  list: (query: ApplicationQuery = {}) => http.get<Page<ApplicationSummary>>('/api/applications', { ...query }),
  create: (call_id: number) => http.post<Application>('/api/applications', { call_id }),
  get: (id: number) => http.get<Application>(`/api/applications/${id}`),
  saveForm: (id: number, revision: number, form: ApplicationForm) =>
    http.put<SaveFormResult>(`/api/applications/${id}/form`, { revision, form }),
  submit: (id: number, revision: number) => http.post<Application>(`/api/applications/${id}/submit`, { revision }),
  withdraw: (id: number) => http.post<Application>(`/api/applications/${id}/withdraw`),
  invite: (id: number, index: number) => http.post<InviteLink>(`/api/applications/${id}/invites`, { index }),
  decide: (id: number, orgId: number, decision: PartnerDecision, reason: string) =>
    http.post<PartnerStatus>(`/api/applications/${id}/partners/${orgId}/decision`, { decision, reason }),
  versions: (id: number) => http.get<ApplicationVersion[]>(`/api/applications/${id}/versions`),
  version: (id: number, version: number) => http.get<ApplicationVersionDetail>(`/api/applications/${id}/versions/${version}`),
  uploadAttachment: (id: number, file: File, kind: string) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file, file.name)
    return http.upload<Attachment>(`/api/applications/${id}/attachments`, form)
  },
  formalCheck: (id: number, body: FormalCheckInput) => http.post<Application>(`/api/applications/${id}/formal-check`, body),
  paperCopy: (id: number, body: PaperCopyInput) => http.post<PaperCopy>(`/api/applications/${id}/paper-copy`, body),
  directory: (q: string, kind?: string) =>
    http.get<DirectoryOrg[]>('/api/directory/organizations', { q, kind }),
}

export const publicApi = {
  invite: (token: string) => http.get<PublicInvite>(`/api/public/invites/${encodeURIComponent(token)}`, undefined, { authProbe: true }),
  acceptInvite: (token: string, body: InviteAcceptInput) =>
    http.post<{ org_id: number; login: string }>(`/api/public/invites/${encodeURIComponent(token)}/accept`, body, {
      authProbe: true,
    }),
  verify: (q: { number: string; version: string | number; hash: string }) =>
    http.get<VerifyResult>('/api/public/verify', q, { authProbe: true }),
}
