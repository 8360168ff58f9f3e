import { describe, expect, it } from 'vitest'
import type { Criterion } from '../../src/api/review'
import { DEFAULT_RUBRIC, levelOptions, modelToReviewInput, reviewProblems, reviewToModel, weightedTotal } from '../../src/views/review/scoring'
import { testTranslator } from '../translator'

const zh = testTranslator('zh-CN')
const C = DEFAULT_RUBRIC.criteria

describe('weighted total (live, in the scoring form)', () => {
  it('is Σ weight·score/max scaled to 100 for the default rubric', () => {
    const r = weightedTotal(C, { rationality: 80, authenticity: 90, foundation: 70 })
    // 80·0.4 + 90·0.3 + 70·0.3
    expect(r).toEqual({ total: 80, complete: true, scored: 3 })
  })

  it('counts missing scores as 0 and says it is incomplete', () => {
    expect(weightedTotal(C, { rationality: 100 })).toEqual({ total: 40, complete: false, scored: 1 })
    expect(weightedTotal(C, { rationality: null, authenticity: undefined })).toEqual({ total: 0, complete: false, scored: 0 })
  })

  it('ignores out-of-range and non-numbers', () => {
    expect(weightedTotal(C, { rationality: 101, authenticity: -1, foundation: Number.NaN }).scored).toBe(0)
  })

  it('normalises mixed scales and weights that do not add up to 100', () => {
    const crit: Criterion[] = [
      { code: 'a', name: 'A', weight: 1, scale: 'level', max: 5 },
      { code: 'b', name: 'B', weight: 3, scale: 'score', max: 10 },
    ]
    // (1·4/5 + 3·5/10) / 4 · 100 = (0.8 + 1.5) / 4 · 100 = 57.5
    expect(weightedTotal(crit, { a: 4, b: 5 }).total).toBe(57.5)
  })

  it('has no total without criteria or weights', () => {
    expect(weightedTotal([], {}).total).toBeNull()
    expect(weightedTotal([{ code: 'a', name: 'A', weight: 0, scale: 'score', max: 10 }], { a: 5 }).total).toBeNull()
  })

  it('offers integer levels on small scales and five grades on large ones', () => {
    expect(levelOptions(3).map((o) => o.value)).toEqual([3, 2, 1, 0])
    const big = levelOptions(100)
    expect(big.map((o) => o.value)).toEqual([100, 80, 60, 40, 0])
    for (const o of big) expect(zh.te(o.labelKey!)).toBe(true)
  })

  it('lists the problems that block 提交评审', () => {
    const p = reviewProblems(C, { scores: { rationality: 80, authenticity: 120, foundation: null }, recommendation: null })
    expect(p.map((x) => `${x.field}:${x.code}`)).toEqual(['scores.authenticity:out_of_range', 'scores.foundation:required', 'recommendation:required'])
    expect(reviewProblems(C, { scores: { rationality: 1, authenticity: 2, foundation: 3 }, recommendation: 'recommend' })).toEqual([])
  })

  it('maps a review to the form and back (partial scores only)', () => {
    const m = reviewToModel(
      { id: 1, version: 1, status: 'draft', scores: { rationality: 70, junk: 5 }, recommendation: null, opinion_html: '<b>好</b>', total: null, submitted_at: null, correction_allowed: false },
      C,
    )
    expect(m.scores).toEqual({ rationality: 70, authenticity: null, foundation: null })
    expect(modelToReviewInput(m, C)).toEqual({ scores: { rationality: 70 }, recommendation: null, opinion_html: '<b>好</b>' })
    expect(reviewToModel(null, C).opinion_html).toBe('')
  })
})
