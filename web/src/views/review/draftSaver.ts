/** Autosave of the expert's review draft (ReviewView). Unit-tested (tests/review/draftSaver.test.ts). */

export type DraftState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error'

export interface DraftSaverOptions<T, R> {
  getBody: () => T
  save: (body: T) => Promise<R>
  delay?: number
  onState?: (s: DraftState) => void
  onSaved?: (result: R) => void
  onError?: (err: unknown) => void
}

/** Review drafts are saved a few seconds after the last edit, and at once on blur. */
export const REVIEW_AUTOSAVE_MS = 3000

/**
 * Debounced autosave of one draft: `changed()` after an edit, `flush()` on blur / before submit.
 * One PUT at a time; edits made meanwhile are saved right after. A failure leaves the state
 * `error` and the edits in place (the next edit or `flush()` tries again).
 */
export class DraftSaver<T, R> {
  state: DraftState = 'idle'
  lastError: unknown = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private running: Promise<void> | null = null
  private editSeq = 0
  private savedSeq = 0
  private disposed = false
  private readonly o: DraftSaverOptions<T, R>

  constructor(o: DraftSaverOptions<T, R>) {
    this.o = o
  }

  get hasUnsaved(): boolean {
    return this.editSeq !== this.savedSeq
  }

  private set(s: DraftState) {
    if (this.state === s) return
    this.state = s
    this.o.onState?.(s)
  }

  changed(): void {
    if (this.disposed) return
    this.editSeq++
    if (this.state !== 'saving') this.set('dirty')
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.flush()
    }, this.o.delay ?? REVIEW_AUTOSAVE_MS)
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (!this.disposed) {
      if (this.running) {
        await this.running
        continue
      }
      if (!this.hasUnsaved) return
      // after an error a flush tries once more (blur, 提交); a failure ends it, so nothing loops
      this.running = this.runOnce().finally(() => {
        this.running = null
      })
      await this.running
      if (this.state === 'error') return
    }
  }

  private async runOnce(): Promise<void> {
    const seq = this.editSeq
    this.set('saving')
    try {
      const res = await this.o.save(this.o.getBody())
      this.savedSeq = seq
      this.lastError = null
      this.o.onSaved?.(res)
      this.set(this.hasUnsaved ? 'dirty' : 'saved')
    } catch (e) {
      this.lastError = e
      this.set('error')
      this.o.onError?.(e)
    }
  }

  /** Forget pending edits (after a submit made them moot). */
  reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.savedSeq = this.editSeq
    this.set('idle')
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
