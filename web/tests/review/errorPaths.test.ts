import { describe, expect, it } from 'vitest'
import { toApiError } from '../../src/api/http'
import { errorsByPath, placeByRoot, splitErrors } from '../../src/views/review/errorPaths'
import { testTranslator } from '../translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')

describe('error paths beside the fields', () => {
  it('normalises index spellings', () => {
    const m = errorsByPath(
      [
        { field: 'rubric.criteria.0.weight', code: 'required', message: '请填写权重' },
        { field: 'items[1].name', code: 'required', message: '' },
        { field: 'items.1.name', code: 'too_long', message: '' },
      ],
      zh,
      true,
    )
    expect(m['rubric.criteria[0].weight']).toBe('请填写权重')
    expect(m['items[1].name']).toBe(`${zh.t('errors.required')}；${zh.t('errors.too_long')}`)
  })

  it('sends unknown paths to the summary list and array items to their field', () => {
    const err = toApiError(422, {
      error: {
        code: 'validation_failed',
        message: '',
        fields: [
          { field: 'conflict_org_ids[2]', code: 'not_found', message: '' },
          { field: 'max_load', code: 'out_of_range', message: '最大评审量须在 0–200 之间' },
          { field: 'bogus', code: 'unknown_field', message: '' },
        ],
      },
    })
    const s = splitErrors(err, 'summary', zh, placeByRoot(['conflict_org_ids', 'max_load']), true)
    expect(s.fields).toEqual({ conflict_org_ids: zh.t('errors.not_found'), max_load: '最大评审量须在 0–200 之间' })
    expect(s.other).toEqual([`bogus: ${zh.t('errors.unknown_field')}`])
    expect(s.summary).toBe('summary')
    // English prefers the catalogue
    expect(splitErrors(err, '', en, placeByRoot(['max_load']), false).fields.max_load).toBe(en.t('errors.out_of_range'))
  })
})
