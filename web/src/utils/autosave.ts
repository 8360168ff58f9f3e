/**
 * Autosave of the 申报书: framework-free so the timing and conflict rules are unit-tested.
 *
 * - `changed()` after every edit: the form is written to the local copy at once, and a save
 *   is scheduled `delay` ms after the last edit (debounce);
 * - `flush()` on blur / section change / before submit: save now (waits for a running save);
 * - at most one PUT in flight; edits made meanwhile are saved right after it;
 * - 409 `stale_revision`: fetch the current revision, tell the user, and save our content
 *   again (once per save; a second conflict is an error);
 * - any other failure: state `error`, the local copy stays (nothing typed is lost).
 */
import { isApiError } from '../api/http'
import type { ApplicationForm, SaveFormResult } from '../api/applications'

export type AutosaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error'

export interface LocalCopy {
  form: ApplicationForm
  /** Server revision the edits were made on. */
  revision: number
  /** When the local copy was last written (ISO). */
  changed_at: string
}

export interface LocalStore {
  write(copy: LocalCopy): void
  clear(): void
}

export interface AutosaveOptions {
  revision: number
  getForm: () => ApplicationForm
  save: (revision: number, form: ApplicationForm) => Promise<SaveFormResult>
  fetchRevision: () => Promise<number>
  local?: LocalStore
  delay?: number
  now?: () => number
  onState?: (state: AutosaveState) => void
  onSaved?: (result: SaveFormResult) => void
  /** A stale revision was met and the content is being saved again on top of the newer one. */
  onConflict?: () => void
  onError?: (err: unknown) => void
}

export const AUTOSAVE_DELAY_MS = 1500

export function isStaleRevision(e: unknown): boolean {
  return isApiError(e) && e.status === 409 && (e.code === 'stale_revision' || e.code === 'conflict')
}

export class Autosaver {
  revision: number
  state: AutosaveState = 'idle'
  lastSavedAt: string | null = null
  lastError: unknown = null
  private readonly o: AutosaveOptions
  private timer: ReturnType<typeof setTimeout> | null = null
  private running: Promise<void> | null = null
  private editSeq = 0
  private savedSeq = 0
  private disposed = false

  constructor(o: AutosaveOptions) {
    this.o = o
    this.revision = o.revision
  }

  /** True while edits exist that the server has not stored. */
  get hasUnsaved(): boolean {
    return this.editSeq !== this.savedSeq
  }

  private set(state: AutosaveState) {
    this.state = state
    this.o.onState?.(state)
  }

  private writeLocal() {
    const now = this.o.now?.() ?? Date.now()
    this.o.local?.write({ form: this.o.getForm(), revision: this.revision, changed_at: new Date(now).toISOString() })
  }

  /** An edit happened. */
  changed(): void {
    if (this.disposed) return
    this.editSeq++
    this.writeLocal()
    if (this.state !== 'saving') this.set('dirty')
    this.schedule()
  }

  private schedule() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.flush()
    }, this.o.delay ?? AUTOSAVE_DELAY_MS)
  }

  /** Save now if anything is unsaved; resolves when the server has everything (or a save failed). */
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
      if (!this.hasUnsaved || this.failed()) return
      this.running = this.runOnce().finally(() => {
        this.running = null
      })
      await this.running
      if (this.failed()) return
    }
  }

  private failed(): boolean {
    return this.state === 'error'
  }

  /** Try again after an error (button, `online` event). */
  retry(): Promise<void> {
    if (this.state === 'error') this.set('dirty')
    return this.flush()
  }

  private async runOnce(): Promise<void> {
    const seq = this.editSeq
    const form = JSON.parse(JSON.stringify(this.o.getForm())) as ApplicationForm
    this.set('saving')
    let result: SaveFormResult
    try {
      result = await this.o.save(this.revision, form)
    } catch (e) {
      if (!isStaleRevision(e)) return this.fail(e)
      try {
        this.revision = await this.o.fetchRevision()
        this.o.onConflict?.()
        result = await this.o.save(this.revision, form)
      } catch (e2) {
        return this.fail(e2)
      }
    }
    this.revision = result.revision
    this.lastSavedAt = result.saved_at
    this.lastError = null
    this.savedSeq = seq
    this.o.onSaved?.(result)
    if (this.hasUnsaved) {
      // edited while saving: keep the local copy current (new base revision) and save again
      this.writeLocal()
      this.set('dirty')
    } else {
      this.o.local?.clear()
      this.set('saved')
    }
  }

  private fail(e: unknown) {
    this.lastError = e
    this.writeLocal()
    this.set('error')
    this.o.onError?.(e)
  }

  /** Stop timers (component unmount). The local copy stays. */
  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/* ───────────── local copy in localStorage ───────────── */

const PREFIX = 'chanjiao.appform.'

export function localCopyKey(userId: number | null | undefined, appId: number): string {
  return `${PREFIX}${userId ?? 'anon'}.${appId}`
}

function ls(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function readLocalCopy(key: string): LocalCopy | null {
  const raw = ls()?.getItem(key)
  if (!raw) return null
  try {
    const v = JSON.parse(raw) as Partial<LocalCopy>
    if (!v || typeof v !== 'object' || !v.form || typeof v.changed_at !== 'string') return null
    return { form: v.form, revision: typeof v.revision === 'number' ? v.revision : -1, changed_at: v.changed_at }
  } catch {
    return null
  }
}

export function localStoreFor(key: string): LocalStore {
  return {
    write(copy) {
      try {
        ls()?.setItem(key, JSON.stringify(copy))
      } catch {
        /* quota / private mode: best effort */
      }
    },
    clear() {
      ls()?.removeItem(key)
    },
  }
}

/**
 * Offer to restore the local copy when it differs from the server's form and is newer: written
 * after the server's `updated_at`, or made on the very revision the server still has (which
 * also covers a client clock running behind the server's).
 */
export function shouldOfferRestore(
  local: LocalCopy | null,
  server: { form: ApplicationForm; revision: number; updated_at: string; can_edit: boolean },
  same: (a: ApplicationForm, b: ApplicationForm) => boolean,
): boolean {
  if (!local || !server.can_edit) return false
  if (same(local.form, server.form)) return false
  const localAt = Date.parse(local.changed_at)
  const serverAt = Date.parse(server.updated_at)
  if (!Number.isNaN(localAt) && !Number.isNaN(serverAt) && localAt > serverAt) return true
  return local.revision === server.revision
}
