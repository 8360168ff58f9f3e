import { isApiError, type FieldError } from '../api/http'
import type { Translator } from '../i18n'
import { errorMessage } from './errorMessage'

/**
 * Rule trigger meaning "only when the whole form is validated" (the submit button).
 * Element Plus runs a rule on blur/change only when its trigger names that event; form.validate()
 * runs every rule regardless of its trigger.
 */
export const SUBMIT_ONLY = 'submit'

/** field name (JSON body key) → message to show under that form item */
export type FieldErrorMap = Record<string, string>

export interface FormErrors {
  /** Messages for form items that exist on the form (`el-form-item :error`). */
  fields: FieldErrorMap
  /** Messages for fields the form does not show, formatted `field: message`. */
  other: string[]
  /** Summary for the whole form (an el-alert above the fields). Empty when nothing failed. */
  summary: string
}

/** Translate one field error: `errors.<code>`, else the server's message, else the code. */
export function fieldErrorMessage(fe: FieldError, tr: Translator): string {
  const key = `errors.${fe.code}`
  if (tr.te(key)) return tr.t(key)
  return fe.message || fe.code
}

/**
 * Split an API error into per-field messages and a form-level summary.
 * `knownFields` lists the keys that have a form item; when omitted every field is "known".
 * Several errors for the same field are joined with the locale's separator.
 */
export function mapFormErrors(err: unknown, tr: Translator, knownFields?: readonly string[]): FormErrors {
  const result: FormErrors = { fields: {}, other: [], summary: '' }
  if (!err) return result
  result.summary = errorMessage(err, tr)
  if (!isApiError(err)) return result
  const sep = tr.t('common.separator')
  for (const fe of err.fields) {
    const msg = fieldErrorMessage(fe, tr)
    if (!knownFields || knownFields.includes(fe.field)) {
      result.fields[fe.field] = result.fields[fe.field] ? result.fields[fe.field] + sep + msg : msg
    } else {
      result.other.push(`${fe.field}: ${msg}`)
    }
  }
  return result
}

/**
 * One message for an error shown where there is no form item to put field messages beside
 * (an upload's toast): the field messages when there are any — e.g. 「文件类型不支持…」 rather
 * than the bare 「提交的内容有误，请按提示修改」 — else the usual summary.
 */
export function flatErrorMessage(err: unknown, tr: Translator): string {
  if (isApiError(err) && err.fields.length) {
    return [...new Set(err.fields.map((fe) => fieldErrorMessage(fe, tr)))].join(tr.t('common.separator'))
  }
  return errorMessage(err, tr)
}
