/** The model of the round form (RoundFormDialog) and its API body. Unit-tested (tests/review/forms.test.ts). */
import type { PhaseInput, Round, RoundInput, Rubric } from '../../api/review'
import { DEFAULT_RUBRIC, round2 } from './scoring'

export interface RoundFormModel {
  kind: string
  title: string
  per_application: number
  disagreement_threshold: number
  rubric: Rubric
  phases: PhaseInput[]
}

/** 网评 (online, blind) then 会评 (meeting, open) — the server's defaults, spelt out. */
export function defaultPhases(): PhaseInput[] {
  return [
    { kind: 'online', name: '网评', blind: true, scores_editable: true, decider: 'experts' },
    { kind: 'meeting', name: '会评', blind: false, scores_editable: true, decider: 'office' },
  ]
}

export function cloneRubric(r: Rubric): Rubric {
  return { criteria: r.criteria.map((c) => ({ ...c })), recommendations: r.recommendations.map((x) => ({ ...x })) }
}

export function emptyRoundModel(defaultRubric: Rubric = DEFAULT_RUBRIC): RoundFormModel {
  return { kind: 'initial', title: '', per_application: 5, disagreement_threshold: 20, rubric: cloneRubric(defaultRubric), phases: defaultPhases() }
}

export function roundToModel(r: Round): RoundFormModel {
  return {
    kind: r.kind,
    title: r.title,
    per_application: r.per_application,
    disagreement_threshold: r.disagreement_threshold,
    rubric: cloneRubric(r.rubric),
    phases: r.phases.map((p) => ({ kind: p.kind, name: p.name, blind: p.blind, scores_editable: p.scores_editable, decider: p.decider })),
  }
}

export function roundModelToPayload(m: RoundFormModel): RoundInput {
  return {
    kind: m.kind,
    title: m.title.trim(),
    per_application: Number(m.per_application),
    disagreement_threshold: Number(m.disagreement_threshold),
    rubric: {
      criteria: m.rubric.criteria.map((c) => ({
        code: c.code.trim(),
        name: c.name.trim(),
        weight: Number(c.weight),
        scale: c.scale,
        max: Number(c.max),
      })),
      recommendations: m.rubric.recommendations.map((r) => ({ code: r.code.trim(), name: r.name.trim() })),
    },
    phases: m.phases.map((p) => ({ kind: p.kind, name: p.name.trim(), blind: p.blind, scores_editable: p.scores_editable, decider: p.decider })),
  }
}

export function weightSum(r: Rubric): number {
  return round2(r.criteria.reduce((n, c) => n + (Number(c.weight) || 0), 0))
}
