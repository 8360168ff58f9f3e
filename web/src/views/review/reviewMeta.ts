import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { reviewApi, type ReviewMeta } from '../../api/review'
import type { CodeName } from '../../api/common'
import { useMetaStore } from '../../stores/meta'
import { DEFAULT_RUBRIC } from './scoring'
import { cloneRubric } from './roundForm'

/** The contract's lists, used until (or if) GET /api/meta/review answers, which then wins. */
export const DEFAULT_REVIEW_META: ReviewMeta = {
  fields: [{ code: 'advanced_semiconductor', name: '先进半导体' }],
  round_kinds: [
    { code: 'initial', name: '立项评审' },
    { code: 'mid_term', name: '中期评审' },
    { code: 'acceptance', name: '验收评审' },
  ],
  phase_kinds: [
    { code: 'online', name: '网评' },
    { code: 'meeting', name: '会评' },
    { code: 'visit', name: '实地调研' },
  ],
  decisions: [
    { code: 'shortlisted', name: '入围' },
    { code: 'not_selected', name: '未入围' },
  ],
  default_rubric: cloneRubric(DEFAULT_RUBRIC),
}

/** GET /api/meta/review, loaded once. */
export const useReviewMetaStore = defineStore('reviewMeta', () => {
  const meta = ref<ReviewMeta>(DEFAULT_REVIEW_META)
  const loaded = ref(false)
  let pending: Promise<ReviewMeta> | null = null

  function load(): Promise<ReviewMeta> {
    if (loaded.value) return Promise.resolve(meta.value)
    pending ??= reviewApi
      .meta()
      .then((m) => {
        meta.value = {
          fields: m.fields?.length ? m.fields : DEFAULT_REVIEW_META.fields,
          round_kinds: m.round_kinds?.length ? m.round_kinds : DEFAULT_REVIEW_META.round_kinds,
          phase_kinds: m.phase_kinds?.length ? m.phase_kinds : DEFAULT_REVIEW_META.phase_kinds,
          decisions: m.decisions?.length ? m.decisions : DEFAULT_REVIEW_META.decisions,
          default_rubric: m.default_rubric?.criteria?.length ? m.default_rubric : DEFAULT_REVIEW_META.default_rubric,
        }
        loaded.value = true
        return meta.value
      })
      .catch(() => meta.value)
      .finally(() => {
        pending = null
      })
    return pending
  }

  return { meta, loaded, load }
})

/**
 * Labels of the review codes: the catalogue (so English works), else the server's name, else the code.
 * `field` also consults the review meta's field list and the general meta.
 */
export function useReviewLabels() {
  const { t, te } = useI18n()
  const store = useReviewMetaStore()
  const metaStore = useMetaStore()

  function pick(group: string, list: CodeName[], code: string | null | undefined): string {
    if (!code) return ''
    const key = `review.${group}.${code}`
    if (te(key)) return t(key)
    return list.find((c) => c.code === code)?.name ?? code
  }

  return {
    roundKind: (c: string | null | undefined) => pick('round_kinds', store.meta.round_kinds, c),
    phaseKind: (c: string | null | undefined) => pick('phase_kinds', store.meta.phase_kinds, c),
    decision: (c: string | null | undefined) => pick('decisions', store.meta.decisions, c),
    roundStatus: (c: string | null | undefined) => pick('round_status', [], c),
    phaseStatus: (c: string | null | undefined) => pick('phase_status', [], c),
    assignmentStatus: (c: string | null | undefined) => pick('assignment_status', [], c),
    reviewStatus: (c: string | null | undefined) => pick('review_status', [], c),
    source: (c: string | null | undefined) => pick('sources', [], c),
    decider: (c: string | null | undefined) => pick('deciders', [], c),
    visitMode: (c: string | null | undefined) => pick('visit_modes', [], c),
    field: (c: string | null | undefined) => {
      if (!c) return ''
      if (te(`fields.${c}`)) return t(`fields.${c}`)
      return store.meta.fields.find((f) => f.code === c)?.name ?? metaStore.fieldNames.get(c) ?? c
    },
    province: (c: string | null | undefined) => metaStore.provinceName(c),
  }
}
