import { describe, expect, it } from 'vitest'
import { importProblemText, importProblems, parseImportField } from '../../src/views/review/expertImport'
import { testTranslator } from '../translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')

describe('expert import problems (第 N 行 · 列 · 问题)', () => {
  it('parses the row and column of a field path', () => {
    expect(parseImportField('row 5: 手机')).toEqual({ row: 5, column: '手机' })
    expect(parseImportField('row 12')).toEqual({ row: 12, column: '' })
    expect(parseImportField('第3行：姓名')).toEqual({ row: 3, column: '姓名' })
    expect(parseImportField('rows[7].email')).toEqual({ row: 7, column: 'email' })
    expect(parseImportField('file')).toEqual({ row: null, column: '' })
    expect(parseImportField('sheet')).toEqual({ row: null, column: 'sheet' })
  })

  it('sorts by row and keeps the server message', () => {
    const rows = importProblems(
      [
        { field: 'row 10: 手机', code: 'mobile_format', message: '手机号码格式不正确' },
        { field: 'row 2: 领域', code: 'invalid_choice', message: '' },
        { field: 'file', code: 'invalid_file_type', message: '' },
      ],
      zh,
    )
    expect(rows.map((r) => r.row)).toEqual([null, 2, 10])
    expect(rows[1]!.message).toBe(zh.t('errors.invalid_choice'))
    expect(importProblemText(rows[2]!, zh)).toBe('第 10 行 · 手机 · 手机号码格式不正确')
    expect(importProblemText(rows[0]!, zh)).toBe(`文件 · ${zh.t('errors.invalid_file_type')}`)
    expect(importProblemText(rows[2]!, en)).toBe('Row 10 · 手机 · 手机号码格式不正确')
  })
})
