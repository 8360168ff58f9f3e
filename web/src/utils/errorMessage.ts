import { isApiError } from '../api/http'
import type { Translator } from '../i18n'
import { formatShanghai } from './datetime'

/**
 * Human message for any error thrown by the API client:
 * `errors.<code>` from the catalogue, else the server's own (zh-CN) message, else a generic text.
 * 5xx errors carry the request id so users can quote it to support.
 */
export function errorMessage(err: unknown, tr: Translator): string {
  if (!isApiError(err)) return tr.t('errors.unknown')
  let msg: string
  if (err.code === 'account_locked' && err.lockedUntil) {
    msg = tr.t('errors.account_locked_until', { until: formatShanghai(err.lockedUntil) })
  } else if (tr.te(`errors.${err.code}`)) {
    msg = tr.t(`errors.${err.code}`)
  } else {
    msg = err.serverMessage || tr.t('errors.unknown')
  }
  if (err.status >= 500 && err.requestId) msg += tr.t('errors.request_id', { id: err.requestId })
  return msg
}
