/** API field errors placed beside the items of the review forms (useReviewErrors). Unit-tested (tests/review/errorPaths.test.ts). */
import type { FieldError } from '../../api/http'
import type { Translator } from '../../i18n'
import { fieldKey } from '../../utils/applicationForm'

/**
 * Field errors keyed by normalised path (`rubric.criteria.0.weight` → `rubric.criteria[0].weight`,
 * `items.1.name` → `items[1].name`), messages joined per path.
 */
export function errorsByPath(fields: readonly FieldError[], tr: Translator, preferServer: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  const sep = tr.t('common.separator')
  for (const fe of fields) {
    const key = fieldKey(fe.field)
    const cat = `errors.${fe.code}`
    const msg = preferServer && fe.message ? fe.message : tr.te(cat) ? tr.t(cat) : fe.message || fe.code
    out[key] = out[key] ? out[key] + sep + msg : msg
  }
  return out
}

export interface SplitErrors {
  /** Form-level summary (el-alert); empty when nothing failed. */
  summary: string
  /** Messages for paths the form has no slot for, `path: message`. */
  other: string[]
  /** slot → message beside that form item */
  fields: Record<string, string>
}

/**
 * An API error for a form: each field error goes to the slot `place(path)` names (its own path,
 * or a parent such as `conflict_org_ids` for `conflict_org_ids[2]`), else to `other`.
 * `summary` is the translated error (see utils/errorMessage).
 */
export function splitErrors(
  err: { fields?: readonly FieldError[] } | null | undefined,
  summary: string,
  tr: Translator,
  place: (path: string) => string | null,
  preferServer: boolean,
): SplitErrors {
  const out: SplitErrors = { summary, other: [], fields: {} }
  const sep = tr.t('common.separator')
  for (const [path, msg] of Object.entries(errorsByPath(err?.fields ?? [], tr, preferServer))) {
    const slot = place(path)
    if (slot === null) out.other.push(path ? `${path}: ${msg}` : msg)
    else out.fields[slot] = out.fields[slot] ? out.fields[slot] + sep + msg : msg
  }
  return out
}

/** Slot finder for flat forms: the path itself or its first segment when known. */
export function placeByRoot(known: readonly string[]): (path: string) => string | null {
  return (path) => {
    if (known.includes(path)) return path
    const root = path.split(/[.[]/)[0] ?? ''
    return known.includes(root) ? root : null
  }
}
