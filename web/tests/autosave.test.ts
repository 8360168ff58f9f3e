import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toApiError } from '../src/api/http'
import type { ApplicationForm, SaveFormResult } from '../src/api/applications'
import { emptyForm, sameForm } from '../src/utils/applicationForm'
import { Autosaver, shouldOfferRestore, type LocalCopy } from '../src/utils/autosave'

const stale = () => toApiError(409, { error: { code: 'stale_revision', message: '', fields: [] } })

function setup(opts: { save?: (rev: number, f: ApplicationForm) => Promise<SaveFormResult>; fetchRevision?: () => Promise<number> } = {}) {
  const form = emptyForm()
  const local: { copy: LocalCopy | null } = { copy: null }
  const calls: { rev: number; name: string }[] = []
  let next = 10
  const save = vi.fn(
    opts.save ??
      (async (rev: number, f: ApplicationForm) => {
        calls.push({ rev, name: f.lead.name })
        return { revision: ++next, saved_at: '2025-01-01T00:00:00Z', form_errors: [] }
      }),
  )
  const fetchRevision = vi.fn(opts.fetchRevision ?? (async () => 42))
  const onConflict = vi.fn()
  const states: string[] = []
  const saver = new Autosaver({
    revision: 10,
    getForm: () => form,
    save,
    fetchRevision,
    local: { write: (c) => (local.copy = JSON.parse(JSON.stringify(c))), clear: () => (local.copy = null) },
    onConflict,
    onState: (s) => states.push(s),
  })
  return { form, local, calls, save, fetchRevision, onConflict, saver, states }
}

describe('Autosaver', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('debounces: one save 1.5 s after the last edit, with the latest content', async () => {
    const s = setup()
    s.form.lead.name = '甲'
    s.saver.changed()
    await vi.advanceTimersByTimeAsync(1000)
    s.form.lead.name = '甲大学'
    s.saver.changed()
    await vi.advanceTimersByTimeAsync(1400)
    expect(s.save).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(100)
    expect(s.save).toHaveBeenCalledTimes(1)
    expect(s.calls).toEqual([{ rev: 10, name: '甲大学' }])
    expect(s.saver.revision).toBe(11)
    expect(s.saver.state).toBe('saved')
  })

  it('keeps a local copy of every edit until the server has it', async () => {
    const s = setup()
    s.form.lead.name = '乙'
    s.saver.changed()
    expect(s.local.copy?.form.lead.name).toBe('乙')
    expect(s.local.copy?.revision).toBe(10)
    await s.saver.flush()
    expect(s.local.copy).toBeNull()
    expect(s.saver.hasUnsaved).toBe(false)
  })

  it('flush saves at once (blur / section change) and cancels the timer', async () => {
    const s = setup()
    s.form.lead.name = '丙'
    s.saver.changed()
    await s.saver.flush()
    expect(s.save).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.save).toHaveBeenCalledTimes(1)
    await s.saver.flush()
    expect(s.save).toHaveBeenCalledTimes(1)
  })

  it('never runs two saves at once; edits made meanwhile are saved next on the new revision', async () => {
    let release: (() => void) | null = null
    let n = 20
    const seen: { rev: number; name: string }[] = []
    const s = setup({
      save: (rev, f) => {
        seen.push({ rev, name: f.lead.name })
        return new Promise((resolve) => {
          release = () => resolve({ revision: ++n, saved_at: 'x', form_errors: [] })
        })
      },
    })
    s.form.lead.name = 'A'
    s.saver.changed()
    const first = s.saver.flush()
    s.form.lead.name = 'AB'
    s.saver.changed()
    const second = s.saver.flush()
    expect(seen).toHaveLength(1)
    release!()
    await vi.advanceTimersByTimeAsync(0)
    expect(seen).toEqual([
      { rev: 10, name: 'A' },
      { rev: 21, name: 'AB' },
    ])
    release!()
    await Promise.all([first, second])
    expect(s.saver.state).toBe('saved')
    expect(s.saver.revision).toBe(22)
    expect(s.local.copy).toBeNull()
  })

  it('on 409 stale_revision refetches the revision, tells the user and saves the same content again', async () => {
    let first = true
    const seen: number[] = []
    const s = setup({
      save: async (rev) => {
        seen.push(rev)
        if (first) {
          first = false
          throw stale()
        }
        return { revision: rev + 1, saved_at: 'x', form_errors: [] }
      },
    })
    s.form.lead.name = '丁'
    s.saver.changed()
    await s.saver.flush()
    expect(s.fetchRevision).toHaveBeenCalledTimes(1)
    expect(s.onConflict).toHaveBeenCalledTimes(1)
    expect(seen).toEqual([10, 42])
    expect(s.saver.revision).toBe(43)
    expect(s.saver.state).toBe('saved')
  })

  it('a second conflict is an error and the local copy stays', async () => {
    const s = setup({ save: async () => Promise.reject(stale()) })
    s.form.lead.name = '戊'
    s.saver.changed()
    await s.saver.flush()
    expect(s.saver.state).toBe('error')
    expect(s.local.copy?.form.lead.name).toBe('戊')
    expect(s.save).toHaveBeenCalledTimes(2)
  })

  it('a lost connection keeps the local copy; the next edit or retry saves again', async () => {
    let down = true
    const s = setup({
      save: async (rev) => {
        if (down) throw toApiError(0, undefined)
        return { revision: rev + 1, saved_at: 'x', form_errors: [] }
      },
    })
    s.form.lead.name = '己'
    s.saver.changed()
    await vi.advanceTimersByTimeAsync(1500)
    expect(s.saver.state).toBe('error')
    expect(s.local.copy?.form.lead.name).toBe('己')
    // flush does not hammer the server while in error …
    await s.saver.flush()
    expect(s.save).toHaveBeenCalledTimes(1)
    // … but retry (button, `online` event) does
    down = false
    await s.saver.retry()
    expect(s.saver.state).toBe('saved')
    expect(s.local.copy).toBeNull()
  })
})

describe('shouldOfferRestore', () => {
  const server = (over: Partial<{ form: ApplicationForm; revision: number; updated_at: string; can_edit: boolean }> = {}) => ({
    form: emptyForm(),
    revision: 5,
    updated_at: '2025-01-01T10:00:00Z',
    can_edit: true,
    ...over,
  })
  const local = (name: string, changed_at: string, revision = 5): LocalCopy => {
    const form = emptyForm()
    form.lead.name = name
    return { form, revision, changed_at }
  }

  it('offers a newer, different local copy', () => {
    expect(shouldOfferRestore(local('x', '2025-01-01T10:05:00Z', 4), server(), sameForm)).toBe(true)
  })
  it('offers a copy made on the revision the server still has, whatever the clocks say', () => {
    expect(shouldOfferRestore(local('x', '2025-01-01T09:00:00Z', 5), server(), sameForm)).toBe(true)
  })
  it('does not offer older copies, identical copies or copies of read-only applications', () => {
    expect(shouldOfferRestore(local('x', '2025-01-01T09:00:00Z', 4), server(), sameForm)).toBe(false)
    expect(shouldOfferRestore(local('', '2025-01-01T11:00:00Z'), server(), sameForm)).toBe(false)
    expect(shouldOfferRestore(local('x', '2025-01-01T11:00:00Z'), server({ can_edit: false }), sameForm)).toBe(false)
    expect(shouldOfferRestore(null, server(), sameForm)).toBe(false)
  })
})
