import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toApiError } from '../src/api/http'
import type { Criterion, Proposal, Violation } from '../src/api/review'
import {
  DEFAULT_RUBRIC,
  DraftSaver,
  addExpert,
  avoidPayload,
  declinedExpertName,
  emptyRoundModel,
  errorsByPath,
  expertInputPayload,
  expertToInput,
  groupViolations,
  htmlToText,
  importProblemText,
  importProblems,
  isHtmlEmpty,
  levelOptions,
  loadPercent,
  loadsFromRows,
  modelToReviewInput,
  notificationRoute,
  pairViolated,
  parseImportField,
  placeByRoot,
  proposalToRows,
  refusalReasons,
  removeExpert,
  reviewProblems,
  reviewToModel,
  roundModelToPayload,
  rowsToPairs,
  safeLink,
  sanitizeHtml,
  splitErrors,
  unreadCount,
  violationText,
  weightSum,
  weightedTotal,
} from '../src/views/review/reviewLogic'
import { testTranslator } from './translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')
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

describe('opinion HTML allowlist', () => {
  it('keeps the editor formatting without attributes', () => {
    expect(sanitizeHtml('<p style="x">意见<b class="a">很好</b><i>建议</i></p><ul><li>一</li></ul><br/>')).toBe(
      '<p>意见<b>很好</b><i>建议</i></p><ul><li>一</li></ul><br>',
    )
  })
  it('drops scripts, handlers and unknown tags, and escapes stray brackets', () => {
    expect(sanitizeHtml('<script>alert(1)</script>a<img src=x onerror=alert(1)>b')).toBe('ab')
    expect(sanitizeHtml('<b onclick="x>y">z</b>')).toBe('<b>y"&gt;z</b>')
    expect(sanitizeHtml('1 < 2 > 0 <a href="javascript:x">l</a>')).toBe('1 &lt; 2 &gt; 0 l')
    expect(sanitizeHtml('<!-- c -->t<style>p{}</style>')).toBe('t')
    expect(sanitizeHtml(null)).toBe('')
  })
  it('knows when the opinion is empty', () => {
    expect(isHtmlEmpty('<div><br></div>')).toBe(true)
    expect(isHtmlEmpty('<p>&nbsp;</p>')).toBe(true)
    expect(htmlToText('<p>a&amp;b</p><p>c</p>')).toBe('a&b c')
  })
})

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

describe('review draft autosave', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('saves once a few seconds after the last edit', async () => {
    let body = 0
    const save = vi.fn(async (b: number) => b)
    const states: string[] = []
    const s = new DraftSaver({ getBody: () => body, save, delay: 3000, onState: (x) => states.push(x) })
    body = 1
    s.changed()
    await vi.advanceTimersByTimeAsync(2000)
    body = 2
    s.changed()
    await vi.advanceTimersByTimeAsync(2999)
    expect(save).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(save).toHaveBeenCalledTimes(1)
    expect(save).toHaveBeenCalledWith(2)
    expect(s.state).toBe('saved')
    expect(s.hasUnsaved).toBe(false)
    expect(states).toEqual(['dirty', 'saving', 'saved'])
  })

  it('flushes at once on blur and saves edits made during a save right after it', async () => {
    let body = 'a'
    let release: () => void = () => undefined
    const seen: string[] = []
    const save = vi.fn(
      (b: string) =>
        new Promise<string>((r) => {
          seen.push(b)
          release = () => r(b)
        }),
    )
    const s = new DraftSaver({ getBody: () => body, save, delay: 3000 })
    s.changed()
    const f = s.flush()
    body = 'b'
    s.changed()
    release()
    await vi.advanceTimersByTimeAsync(0)
    release()
    await f
    expect(seen).toEqual(['a', 'b'])
    expect(s.hasUnsaved).toBe(false)
  })

  it('keeps the edits after a failure and tries again on the next flush', async () => {
    let fail = true
    const errors: unknown[] = []
    const save = vi.fn(async () => {
      if (fail) throw toApiError(422, { error: { code: 'validation_failed', message: '', fields: [{ field: 'scores.a', code: 'out_of_range', message: '' }] } })
      return 'ok'
    })
    const s = new DraftSaver({ getBody: () => 1, save, onError: (e) => errors.push(e) })
    s.changed()
    await s.flush()
    expect(s.state).toBe('error')
    expect(s.hasUnsaved).toBe(true)
    expect(errors).toHaveLength(1)
    fail = false
    await s.flush()
    expect(s.state).toBe('saved')
    expect(save).toHaveBeenCalledTimes(2)
  })

  it('does nothing after dispose', async () => {
    const save = vi.fn(async () => 1)
    const s = new DraftSaver({ getBody: () => 1, save, delay: 10 })
    s.dispose()
    s.changed()
    await vi.advanceTimersByTimeAsync(50)
    expect(save).not.toHaveBeenCalled()
  })
})

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

describe('notifications', () => {
  it('counts unread and follows same-site links only', () => {
    expect(unreadCount([{ read_at: null }, { read_at: '2026-01-01T00:00:00Z' }, { read_at: null }])).toBe(2)
    expect(safeLink('/my-reviews/7')).toBe('/my-reviews/7')
    expect(safeLink('//evil.example/x')).toBeNull()
    expect(safeLink('https://evil.example/x', 'https://chanjiao.example')).toBeNull()
    expect(safeLink('https://chanjiao.example/rounds/3', 'https://chanjiao.example')).toBe('/rounds/3')
    expect(safeLink(null)).toBeNull()
  })

  it('takes the links the server writes to the pages that show them', () => {
    const expert = (c: string) => c === 'review.expert'
    const lead = (c: string) => c === 'application.create'
    const partner = (c: string) => c === 'application.partner'
    // 新的评审任务 / 评审意见可以更正 link to /reviews: the expert's tasks are at /my-reviews.
    expect(notificationRoute('/reviews', expert)).toBe('/my-reviews')
    expect(notificationRoute('/reviews?round=3', expert)).toBe('/my-reviews?round=3')
    // 立项通知 links to /applications/{id}: the lead's page, or a partner's list.
    expect(notificationRoute('/applications/42', lead)).toBe('/applications/42/edit')
    expect(notificationRoute('/applications/42', partner)).toBe('/partner-applications')
    expect(notificationRoute('/applications/42', expert)).toBe('/applications/42')
    // Paths the app has are kept.
    expect(notificationRoute('/my-reviews/7', expert)).toBe('/my-reviews/7')
    expect(notificationRoute('/applications/42/edit', lead)).toBe('/applications/42/edit')
    expect(notificationRoute('/reviewsx', expert)).toBe('/reviewsx')
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

describe('message catalogues', () => {
  it('have every review key the new views use, in both languages', () => {
    // sources as text through Vite (no Node types in this project)
    const sources = {
      ...import.meta.glob('../src/views/review/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }),
      ...import.meta.glob('../src/layout/AppFrame.vue', { query: '?raw', import: 'default', eager: true }),
      ...import.meta.glob('../src/router.ts', { query: '?raw', import: 'default', eager: true }),
    } as Record<string, string>
    expect(Object.keys(sources).length).toBeGreaterThan(15)
    const keys = new Set<string>()
    for (const src of Object.values(sources)) {
      // t('…') calls and route / menu titles
      for (const m of src.matchAll(/(?:\bt\(\s*|title:\s*)['"`]((?:review|nav|errors)\.[a-z_]+(?:\.[a-z_0-9]+)*)['"`]/g)) keys.add(m[1]!)
    }
    expect(keys.size).toBeGreaterThan(100)
    const missing = [...keys].filter((k) => !zh.te(k) || !en.te(k))
    expect(missing).toEqual([])
  })
})
