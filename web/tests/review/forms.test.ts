import { describe, expect, it } from 'vitest'
import { avoidPayload } from '../../src/views/review/avoidRequests'
import { expertInputPayload, expertToInput } from '../../src/views/review/expertForm'
import { emptyRoundModel, roundModelToPayload, weightSum } from '../../src/views/review/roundForm'
import { DEFAULT_RUBRIC } from '../../src/views/review/scoring'

describe('form models', () => {
  it('sends a round with numbers and trimmed texts, never sharing the default rubric', () => {
    const m = emptyRoundModel()
    m.title = '  2026年第二批 初评 '
    m.rubric.criteria[0]!.name = ' 合理性 '
    expect(DEFAULT_RUBRIC.criteria[0]!.name).toBe('合理性')
    const body = roundModelToPayload(m)
    expect(body.title).toBe('2026年第二批 初评')
    expect(body.rubric!.criteria[0]).toEqual({ code: 'rationality', name: '合理性', weight: 40, scale: 'score', max: 100 })
    expect(body.phases!.map((p) => [p.kind, p.blind])).toEqual([
      ['online', true],
      ['meeting', false],
    ])
    expect(weightSum(m.rubric)).toBe(100)
    expect(Object.keys(body).sort()).toEqual(['disagreement_threshold', 'kind', 'per_application', 'phases', 'rubric', 'title'])
  })

  it('sends an expert with exactly the contract keys and clean keywords', () => {
    const m = expertToInput(null)
    m.keywords = [' 碳化硅 ', '碳化硅', '', 'GaN']
    const body = expertInputPayload(m)
    expect(body.keywords).toEqual(['碳化硅', 'GaN'])
    expect(Object.keys(body).sort()).toEqual(
      ['affiliation_name', 'affiliation_org_id', 'available', 'conflict_application_ids', 'conflict_org_ids', 'fields', 'keywords', 'max_load', 'province_code', 'title'].sort(),
    )
  })

  it('drops empty 申请回避 rows and trims the rest', () => {
    expect(
      avoidPayload([
        { name: ' 王五 ', affiliation: ' 某大学 ', reason: ' 合作关系 ' },
        { name: '', affiliation: ' ', reason: '' },
      ]),
    ).toEqual([{ name: '王五', affiliation: '某大学', reason: '合作关系' }])
  })
})
