/**
 * The expert's scoring form (ReviewView): the default rubric, the live weighted total, level
 * choices, client-side checks before 提交评审 and the form model ↔ API body. Pure, unit-tested
 * (tests/review/scoring.test.ts).
 */
import type { FieldError } from '../../api/http'
import type { Criterion, Review, ReviewInput, Rubric } from '../../api/review'

/** The contract's default rubric (合理性 40 / 真实性 30 / 建设基础 30, 0–100), until /api/meta/review answers. */
export const DEFAULT_RUBRIC: Rubric = {
  criteria: [
    { code: 'rationality', name: '合理性', weight: 40, scale: 'score', max: 100 },
    { code: 'authenticity', name: '真实性', weight: 30, scale: 'score', max: 100 },
    { code: 'foundation', name: '建设基础', weight: 30, scale: 'score', max: 100 },
  ],
  recommendations: [
    { code: 'recommend', name: '推荐立项' },
    { code: 'revise', name: '修改后立项' },
    { code: 'reject', name: '不推荐' },
  ],
}

/** Rounds to two decimals (totals, weight sums). */
export const round2 = (n: number) => Math.round(n * 100) / 100

export interface WeightedTotal {
  /** 0–100: Σ weight·score/max over Σ weight; missing scores count as 0. null without criteria. */
  total: number | null
  /** Every criterion has a valid score. */
  complete: boolean
  /** Criteria with a score present. */
  scored: number
}

/** A finite number inside 0..max, else null (blank input, NaN, out of range). */
export function validScore(value: unknown, c: Pick<Criterion, 'max'>): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  if (value < 0 || value > c.max) return null
  return value
}

/**
 * The live weighted total of the scoring form. Each criterion contributes `weight · score / max`,
 * normalised by the sum of weights to a 0–100 scale (for the default rubric, whose weights sum to
 * 100 with max 100, this is simply Σ weight·score / 100). The server's `total` stays authoritative.
 */
export function weightedTotal(criteria: readonly Criterion[], scores: Record<string, number | null | undefined>): WeightedTotal {
  const weightSum = criteria.reduce((n, c) => n + (c.weight > 0 ? c.weight : 0), 0)
  if (!criteria.length || weightSum <= 0) return { total: null, complete: false, scored: 0 }
  let acc = 0
  let scored = 0
  for (const c of criteria) {
    const s = validScore(scores[c.code], c)
    if (s === null || c.max <= 0) continue
    scored++
    acc += (Math.max(c.weight, 0) * s) / c.max
  }
  return { total: round2((acc / weightSum) * 100), complete: scored === criteria.length, scored }
}

export interface LevelOption {
  value: number
  /** i18n key of the grade name, or null when the number itself is the label. */
  labelKey: string | null
}

/**
 * Choices of a `level` criterion. Small scales (max ≤ 10) are the integers max…0;
 * larger ones are five grades at 100 / 80 / 60 / 40 / 0 % of max (优 良 中 差 不合格).
 */
export function levelOptions(max: number): LevelOption[] {
  if (!(max > 0)) return [{ value: 0, labelKey: null }]
  if (max <= 10) {
    const out: LevelOption[] = []
    for (let v = Math.floor(max); v >= 0; v--) out.push({ value: v, labelKey: null })
    return out
  }
  return [
    { value: max, labelKey: 'review.levels.excellent' },
    { value: Math.round(max * 0.8), labelKey: 'review.levels.good' },
    { value: Math.round(max * 0.6), labelKey: 'review.levels.fair' },
    { value: Math.round(max * 0.4), labelKey: 'review.levels.poor' },
    { value: 0, labelKey: 'review.levels.fail' },
  ]
}

/** Scores as the API wants them: only valid numbers (partial drafts are allowed). */
export function cleanScores(criteria: readonly Criterion[], scores: Record<string, number | null | undefined>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of criteria) {
    const v = scores[c.code]
    if (typeof v === 'number' && Number.isFinite(v)) out[c.code] = v
  }
  return out
}

/** Client-side problems of the scoring form before 提交评审 (the server checks again). */
export function reviewProblems(
  criteria: readonly Criterion[],
  model: { scores: Record<string, number | null | undefined>; recommendation: string | null },
): FieldError[] {
  const out: FieldError[] = []
  for (const c of criteria) {
    const v = model.scores[c.code]
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      out.push({ field: `scores.${c.code}`, code: 'required', message: '' })
    } else if (validScore(v, c) === null) {
      out.push({ field: `scores.${c.code}`, code: 'out_of_range', message: '' })
    }
  }
  if (!model.recommendation) out.push({ field: 'recommendation', code: 'required', message: '' })
  return out
}

export interface ReviewModel {
  scores: Record<string, number | null>
  recommendation: string | null
  opinion_html: string
}

export function reviewToModel(r: Review | null, criteria: readonly Criterion[]): ReviewModel {
  const scores: Record<string, number | null> = {}
  for (const c of criteria) {
    const v = r?.scores?.[c.code]
    scores[c.code] = typeof v === 'number' && Number.isFinite(v) ? v : null
  }
  return { scores, recommendation: r?.recommendation ?? null, opinion_html: r?.opinion_html ?? '' }
}

export function modelToReviewInput(m: ReviewModel, criteria: readonly Criterion[]): ReviewInput {
  return { scores: cleanScores(criteria, m.scores), recommendation: m.recommendation || null, opinion_html: m.opinion_html }
}
