/** The problems of an expert import (.xlsx) as a table (ExpertImportDialog). Unit-tested (tests/review/expertImport.test.ts). */
import type { FieldError } from '../../api/http'
import type { Translator } from '../../i18n'

export interface ImportProblem {
  /** Spreadsheet row (1-based, as the server counts), null for file-level problems. */
  row: number | null
  column: string
  code: string
  message: string
}

/**
 * `row 5: 手机` → row 5, column 手机. Also accepted: `row 5` (whole row), `第5行: 手机`,
 * `rows[5].手机`; anything else is a file-level problem with the path as its column.
 */
export function parseImportField(field: string): { row: number | null; column: string } {
  const f = field.trim()
  let m = /^rows?\s*(\d+)\s*(?:[:：·.]\s*(.*))?$/i.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  m = /^第\s*(\d+)\s*行\s*(?:[:：·.]\s*(.*))?$/.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  m = /^rows?\[(\d+)\](?:\.(.*))?$/i.exec(f)
  if (m) return { row: Number(m[1]), column: (m[2] ?? '').trim() }
  return { row: null, column: f === 'file' ? '' : f }
}

/** The 422 of POST /api/experts/import as a table, by row then column (file-level first). */
export function importProblems(fields: readonly FieldError[], tr: Translator): ImportProblem[] {
  const out = fields.map((fe) => {
    const { row, column } = parseImportField(fe.field)
    const key = `errors.${fe.code}`
    // The server's (zh-CN) message names the problem in the sheet's terms; the catalogue is the fallback.
    const message = fe.message || (tr.te(key) ? tr.t(key) : fe.code)
    return { row, column, code: fe.code, message }
  })
  return out.sort((a, b) => (a.row ?? -1) - (b.row ?? -1) || a.column.localeCompare(b.column))
}

/** 「第 5 行 · 手机 · 手机号码格式不正确」 */
export function importProblemText(p: ImportProblem, tr: Translator): string {
  const parts: string[] = []
  parts.push(p.row === null ? tr.t('review.import.file_level') : tr.t('review.import.row_n', { n: p.row }))
  if (p.column) parts.push(p.column)
  parts.push(p.message)
  return parts.join(' · ')
}
