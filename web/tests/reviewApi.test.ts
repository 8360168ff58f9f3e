import { describe, expect, it } from 'vitest'
import { type ClientCase, useFetchMock } from './apiClient'
import { assignmentPdfUrl, letterPdfUrl, resultsXlsxUrl, reviewApi } from '../src/api/review'

/** The client calls exactly the paths, methods and bodies of docs/API-review.md. */
describe('review API client', () => {
  const { call, itSendsEach } = useFetchMock()

  const cases: ClientCase[] = [
    ['meta', () => reviewApi.meta(), 'GET', '/api/meta/review', undefined],
    ['experts', () => reviewApi.experts({ q: '赵', field: 'advanced_semiconductor', available: true, page: 2, per_page: 20 }), 'GET', '/api/experts?q=%E8%B5%B5&field=advanced_semiconductor&available=true&page=2&per_page=20', undefined],
    ['experts (all)', () => reviewApi.experts({ q: '', available: '' }), 'GET', '/api/experts', undefined],
    ['expert', () => reviewApi.expert(5), 'GET', '/api/experts/5', undefined],
    ['avoid get', () => reviewApi.avoidRequests(3), 'GET', '/api/applications/3/avoid-requests', undefined],
    ['avoid put', () => reviewApi.saveAvoidRequests(3, [{ name: 'a', affiliation: 'b', reason: 'c' }]), 'PUT', '/api/applications/3/avoid-requests', { items: [{ name: 'a', affiliation: 'b', reason: 'c' }] }],
    ['rounds', () => reviewApi.rounds(2), 'GET', '/api/rounds?call_id=2', undefined],
    ['round', () => reviewApi.round(4), 'GET', '/api/rounds/4', undefined],
    ['phase', () => reviewApi.activatePhase(4, 9), 'POST', '/api/rounds/4/phase', { phase_id: 9 }],
    ['close', () => reviewApi.closeRound(4), 'POST', '/api/rounds/4/close', {}],
    ['propose', () => reviewApi.propose(4, { mode: 'random', seed: '42', tolerance: 0.02 }), 'POST', '/api/rounds/4/assignment/propose', { mode: 'random', seed: '42', tolerance: 0.02 }],
    ['check', () => reviewApi.check(4, [{ application_id: 1, user_id: 2 }]), 'POST', '/api/rounds/4/assignment/check', { pairs: [{ application_id: 1, user_id: 2 }] }],
    ['commit', () => reviewApi.commit(4, { pairs: [], mode: 'optimal' }), 'POST', '/api/rounds/4/assignment/commit', { pairs: [], mode: 'optimal' }],
    ['assignments', () => reviewApi.assignments(4), 'GET', '/api/rounds/4/assignments', undefined],
    ['confirm', () => reviewApi.confirmReplacement(8), 'POST', '/api/assignments/8/confirm', {}],
    ['confirm other', () => reviewApi.confirmReplacement(8, 12), 'POST', '/api/assignments/8/confirm', { user_id: 12 }],
    ['mine', () => reviewApi.myAssignments(), 'GET', '/api/my/assignments', undefined],
    ['accept', () => reviewApi.accept(8), 'POST', '/api/assignments/8/accept', {}],
    ['decline', () => reviewApi.decline(8, '出差'), 'POST', '/api/assignments/8/decline', { reason: '出差' }],
    ['pledge', () => reviewApi.signPledge(4), 'POST', '/api/rounds/4/pledge', {}],
    ['application', () => reviewApi.assignmentApplication(8), 'GET', '/api/assignments/8/application', undefined],
    ['review', () => reviewApi.review(8), 'GET', '/api/assignments/8/review', undefined],
    ['save review', () => reviewApi.saveReview(8, { scores: { a: 1 }, recommendation: null, opinion_html: '' }), 'PUT', '/api/assignments/8/review', { scores: { a: 1 }, recommendation: null, opinion_html: '' }],
    ['submit review', () => reviewApi.submitReview(8), 'POST', '/api/assignments/8/review/submit', {}],
    ['allow correction', () => reviewApi.allowCorrection(8, '笔误'), 'POST', '/api/assignments/8/review/allow-correction', { reason: '笔误' }],
    ['visits', () => reviewApi.visits(4), 'GET', '/api/rounds/4/visits', undefined],
    ['add visit', () => reviewApi.addVisit(4, { application_id: 1, mode: 'site', visited_on: '2026-12-01', participants: 'p', notes: 'n' }), 'POST', '/api/rounds/4/visits', { application_id: 1, mode: 'site', visited_on: '2026-12-01', participants: 'p', notes: 'n' }],
    ['results', () => reviewApi.results(4), 'GET', '/api/rounds/4/results', undefined],
    ['decide', () => reviewApi.decide(4, 1, { decision: 'shortlisted', note: '' }), 'PUT', '/api/rounds/4/decisions/1', { decision: 'shortlisted', note: '' }],
    ['letter', () => reviewApi.issueLetter(4, 1), 'POST', '/api/rounds/4/decisions/1/letter', {}],
  ]

  itSendsEach(cases)

  it('creates and updates rounds (PUT has no call_id)', async () => {
    const body = { kind: 'initial', title: 't', per_application: 3 }
    await reviewApi.createRound({ call_id: 2, ...body })
    await reviewApi.updateRound(4, body)
    expect([call(0).method, call(0).url, call(0).body]).toEqual(['POST', '/api/rounds', { call_id: 2, ...body }])
    expect([call(1).method, call(1).url, call(1).body]).toEqual(['PUT', '/api/rounds/4', body])
  })

  it('uploads the import as multipart `file`', async () => {
    await reviewApi.importExperts(new File(['x'], 'experts.xlsx'))
    const c = call()
    expect([c.method, c.url]).toEqual(['POST', '/api/experts/import'])
    expect(c.body).toBeInstanceOf(FormData)
    expect((c.body as FormData).get('file')).toBeInstanceOf(File)
    expect(c.csrf).toBe('tok')
  })

  it('builds the download links', () => {
    expect(assignmentPdfUrl(8)).toBe('/api/assignments/8/application.pdf')
    expect(resultsXlsxUrl(4)).toBe('/api/rounds/4/results.xlsx')
    expect(letterPdfUrl(4, 1)).toBe('/api/rounds/4/decisions/1/letter.pdf')
  })
})
