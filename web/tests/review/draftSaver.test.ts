import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toApiError } from '../../src/api/http'
import { DraftSaver } from '../../src/views/review/draftSaver'

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
