import { describe, expect, it } from 'vitest'
import type { Proposal, Violation } from '../../src/api/review'
import {
  addExpert,
  declinedExpertName,
  groupViolations,
  loadPercent,
  loadsFromRows,
  pairViolated,
  proposalToRows,
  refusalReasons,
  removeExpert,
  rowsToPairs,
  violationText,
} from '../../src/views/review/proposals'
import { testTranslator } from '../translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')

const proposal: Proposal = {
  mode: 'optimal',
  seed: null,
  objective: -12,
  rows: [
    {
      application_id: 1,
      number: 'A-1',
      lead_name: '苏州集成电路职业技术学院',
      province_code: '320000',
      fields: ['advanced_semiconductor'],
      experts: [
        { user_id: 10, name: '赵', fit: 3, province_code: '110000', affiliation_name: 'X' },
        { user_id: 11, name: '孙', fit: 2, province_code: '310000', affiliation_name: 'Y' },
      ],
    },
    { application_id: 2, number: 'A-2', lead_name: '江南', province_code: '320000', fields: [], experts: [{ user_id: 10, name: '赵', fit: 1, province_code: null, affiliation_name: null }] },
  ],
  loads: [
    { user_id: 10, name: '赵', load: 2, max_load: 2 },
    { user_id: 11, name: '孙', load: 1, max_load: 5 },
    { user_id: 12, name: '钱', load: 0, max_load: 5 },
  ],
  infeasible: null,
}

describe('proposal editing → pairs', () => {
  it('turns rows into pairs, in row order', () => {
    const rows = proposalToRows(proposal)
    expect(rowsToPairs(rows)).toEqual([
      { application_id: 1, user_id: 10 },
      { application_id: 1, user_id: 11 },
      { application_id: 2, user_id: 10 },
    ])
  })

  it('edits copies, never the proposal', () => {
    const rows = proposalToRows(proposal)
    const removed = removeExpert(rows, 1, 10)
    expect(rowsToPairs(removed)).toEqual([
      { application_id: 1, user_id: 11 },
      { application_id: 2, user_id: 10 },
    ])
    expect(rows[0]!.experts).toHaveLength(2)
    expect(proposal.rows[0]!.experts).toHaveLength(2)
    const added = addExpert(removed, 2, { user_id: 12, name: '钱', fit: null, province_code: null, affiliation_name: null, manual: true })
    expect(rowsToPairs(added).filter((p) => p.application_id === 2).map((p) => p.user_id)).toEqual([10, 12])
    // adding someone already on the row changes nothing
    expect(addExpert(added, 2, { user_id: 10, name: '赵', fit: null, province_code: null, affiliation_name: null })).toEqual(added)
  })

  it('recomputes loads from the rows (new experts included)', () => {
    const rows = addExpert(removeExpert(proposalToRows(proposal), 1, 10), 1, { user_id: 99, name: '新', fit: null, province_code: null, affiliation_name: null })
    const loads = loadsFromRows(rows, proposal.loads)
    expect(loads.map((l) => [l.user_id, l.load])).toEqual([
      [10, 1],
      [11, 1],
      [12, 0],
      [99, 1],
    ])
    expect(loadPercent(1, 2)).toBe(50)
    expect(loadPercent(3, 2)).toBe(100)
    expect(loadPercent(1, 0)).toBe(100)
  })

  it('marks the experts placed by hand, so their assignments are recorded as manual', () => {
    const rows = proposalToRows(proposal)
    expect(rowsToPairs(rows).some((p) => p.manual)).toBe(false)
    const moved = addExpert(removeExpert(rows, 1, 10), 1, { user_id: 12, name: '钱', fit: null, province_code: null, affiliation_name: null, manual: true })
    expect(rowsToPairs(moved)).toEqual([
      { application_id: 1, user_id: 11 },
      { application_id: 1, user_id: 12, manual: true },
      { application_id: 2, user_id: 10 },
    ])
  })

  it('puts violations on their rows and tags', () => {
    const vs: Violation[] = [
      { application_id: 1, user_id: 10, code: 'affiliated', message: '专家赵与牵头单位同单位，须回避' },
      { application_id: 2, user_id: null, code: 'panel_size', message: '需要 2 名专家' },
      { application_id: null, user_id: 10, code: 'over_load', message: '超过最大评审量' },
      { application_id: null, user_id: null, code: 'other', message: '其他' },
    ]
    const g = groupViolations(vs)
    expect(g.byApplication.get(1)).toHaveLength(1)
    expect(g.byApplication.get(2)![0]!.code).toBe('panel_size')
    expect(g.byExpert.get(10)![0]!.code).toBe('over_load')
    expect(g.general).toHaveLength(1)
    expect(pairViolated(vs, 1, 10)).toBe(true)
    expect(pairViolated(vs, 1, 11)).toBe(false)
    // zh-CN: the server's message; English: the catalogue by code
    expect(violationText(vs[0]!, zh, true)).toBe('专家赵与牵头单位同单位，须回避')
    expect(violationText(vs[0]!, en, false)).toBe(en.t('review.violations.affiliated'))
    expect(violationText(vs[3]!, en, false)).toBe('其他')
  })
})

describe('replacements', () => {
  it('name the expert who declined, not the proposed replacement', () => {
    const list = [
      { id: 5, expert_name: '专家甲', replaces_id: null },
      { id: 9, expert_name: '专家乙', replaces_id: 5 },
    ]
    expect(declinedExpertName(list, list[1]!)).toBe('专家甲')
    expect(declinedExpertName(list, list[0]!)).toBe('')
    expect(declinedExpertName([list[1]!], list[1]!)).toBe('')
  })
})

describe('refusals', () => {
  it('say which rule a refused choice breaks, not only that something was wrong', () => {
    const fields = [
      { field: 'user_id', code: 'conflict', message: '专家甲：本人声明与该申报存在利害关系，须回避' },
      { field: 'user_id', code: 'over_load', message: '专家甲 的评审量 3 超过可承担的 2' },
    ]
    expect(refusalReasons(fields, zh, true)).toBe(`专家甲：本人声明与该申报存在利害关系，须回避${zh.t('common.separator')}专家甲 的评审量 3 超过可承担的 2`)
    // Other languages: the catalogue by code where there is one, else the server's words.
    expect(refusalReasons(fields, en, false)).toBe(`专家甲：本人声明与该申报存在利害关系，须回避${en.t('common.separator')}${en.t('review.violations.over_load')}`)
    expect(refusalReasons([fields[0]!, fields[0]!], zh, true)).toBe(fields[0]!.message)
    expect(refusalReasons([], zh, true)).toBe('')
  })
})
