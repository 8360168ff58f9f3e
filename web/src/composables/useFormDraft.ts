import { onScopeDispose, ref, watch, type WatchStopHandle } from 'vue'
import { useSessionStore } from '../stores/session'
import { applyDraft, clearDraft, draftKey, loadDraft, saveDraft } from '../utils/drafts'

/**
 * Keeps a dialog's reactive model in sessionStorage while the dialog is open.
 * `start(form)` restores an existing draft (returns true if it did) and begins autosaving;
 * `discard()` (cancel / successful save) removes it; unmounting keeps it on purpose.
 */
export function useFormDraft<T extends object>(model: T, exclude: readonly string[] = []) {
  const session = useSessionStore()
  const restored = ref(false)
  let key: string | null = null
  let stop: WatchStopHandle | null = null

  function start(form: string): boolean {
    stop?.()
    key = draftKey(session.user?.id, form)
    const draft = loadDraft<T>(key)
    restored.value = !!draft
    if (draft) applyDraft(model, draft)
    const k = key
    stop = watch(model, () => saveDraft(k, model, exclude), { deep: true })
    return restored.value
  }

  function discard() {
    stop?.()
    stop = null
    if (key) clearDraft(key)
    key = null
    restored.value = false
  }

  // Stop autosaving when the component goes away, but keep the stored draft.
  onScopeDispose(() => stop?.())

  return { restored, start, discard }
}
