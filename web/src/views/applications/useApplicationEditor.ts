import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { applicationsApi, type Application, type ApplicationForm, type FieldErrorItem } from '../../api/applications'
import { isApiError } from '../../api/http'
import { translator, currentLocale } from '../../i18n'
import { mapProblems, normaliseForm, sameForm } from '../../utils/applicationForm'
import {
  Autosaver,
  localCopyKey,
  localStoreFor,
  readLocalCopy,
  shouldOfferRestore,
  type AutosaveState,
  type LocalCopy,
} from '../../utils/autosave'

/**
 * State of the 申报书 editor: the application, the editable form, autosave, the local copy
 * and the merged list of problems (form_errors, the last failed submit, autosave 422s).
 */
export function useApplicationEditor(id: number, userId: number | null | undefined) {
  const app = shallowRef<Application | null>(null)
  const form = reactive<ApplicationForm>(normaliseForm({}))
  const saveState = ref<AutosaveState>('idle')
  const savedAt = ref<string | null>(null)
  const conflictNotice = ref(false)
  const submitErrors = ref<FieldErrorItem[]>([])
  const draftErrors = ref<FieldErrorItem[]>([])
  const offeredLocal = ref<LocalCopy | null>(null)
  const key = localCopyKey(userId, id)
  const local = localStoreFor(key)
  let saver: Autosaver | null = null
  let lastJson = ''
  let metaTimer: ReturnType<typeof setTimeout> | null = null
  /** Bumped whenever a newer Application is applied: a refresh begun before it is stale. */
  let appliedSeq = 0

  const canEdit = computed(() => !!app.value?.can_edit)

  function setForm(f: ApplicationForm) {
    const n = normaliseForm(f)
    Object.assign(form, n)
    lastJson = JSON.stringify(form)
  }

  function makeSaver(revision: number) {
    saver?.dispose()
    saver = new Autosaver({
      revision,
      getForm: () => normaliseForm(JSON.parse(JSON.stringify(form))),
      save: (rev, f) => applicationsApi.saveForm(id, rev, f),
      fetchRevision: async () => (await applicationsApi.get(id)).revision,
      local,
      onState: (s) => {
        saveState.value = s
      },
      onConflict: () => {
        conflictNotice.value = true
      },
      onSaved: (res) => {
        savedAt.value = res.saved_at
        draftErrors.value = []
        submitErrors.value = []
        if (app.value)
          app.value = { ...app.value, revision: res.revision, form_errors: res.form_errors, partners: res.partners ?? app.value.partners }
        scheduleMetaRefresh()
      },
      onError: (e) => {
        if (isApiError(e) && e.status === 422) draftErrors.value = e.fields
      },
    })
  }

  /** After a save: refresh status, partner statuses, can_submit … (never the form being typed). */
  function scheduleMetaRefresh() {
    if (metaTimer) clearTimeout(metaTimer)
    metaTimer = setTimeout(() => void refreshMeta(), 300)
  }

  async function refreshMeta() {
    const seq = appliedSeq
    try {
      const fresh = await applicationsApi.get(id)
      const cur = app.value
      // A submit / withdraw answered meanwhile: this read may predate it (it would put back
      // e.g. 「退回修改」 over 「已提交」), so it is dropped.
      if (!cur || seq !== appliedSeq) return
      app.value = { ...fresh, form: cur.form, revision: saver?.revision ?? fresh.revision }
    } catch {
      /* the next save or a reload will catch up */
    }
  }

  /** Load (or reload) everything from the server; offers the local copy when it is newer. */
  async function load(): Promise<Application> {
    const a = await applicationsApi.get(id)
    applyApplication(a, true)
    const localCopy = readLocalCopy(key)
    if (shouldOfferRestore(localCopy, a, sameForm)) offeredLocal.value = localCopy
    else if (localCopy) local.clear()
    return a
  }

  /** Take a server Application; `replaceForm` also resets the form and the autosave revision. */
  function applyApplication(a: Application, replaceForm: boolean) {
    appliedSeq++
    if (metaTimer) {
      clearTimeout(metaTimer)
      metaTimer = null
    }
    app.value = a
    if (replaceForm) {
      setForm(a.form)
      makeSaver(a.revision)
      saveState.value = 'idle'
    }
  }

  function restoreLocal() {
    const copy = offeredLocal.value
    offeredLocal.value = null
    if (!copy) return
    setForm(copy.form)
    // saving it on top of the current revision: a conflict (if any) is handled by the saver
    lastJson = ''
    saver?.changed()
  }

  function discardLocal() {
    offeredLocal.value = null
    local.clear()
  }

  // every edit → local copy + debounced save
  watch(
    form,
    () => {
      const json = JSON.stringify(form)
      if (json === lastJson) return
      lastJson = json
      if (!canEdit.value || !saver) return
      saver.changed()
    },
    { deep: true },
  )

  function flush(): Promise<void> {
    return saver?.flush() ?? Promise.resolve()
  }
  function retry(): Promise<void> {
    return saver?.retry() ?? Promise.resolve()
  }
  function revision(): number {
    return saver?.revision ?? app.value?.revision ?? 0
  }
  function hasUnsaved(): boolean {
    return !!saver?.hasUnsaved
  }
  function lastError(): unknown {
    return saver?.lastError ?? null
  }
  function clearLocal() {
    local.clear()
  }
  function dispose() {
    saver?.dispose()
    if (metaTimer) clearTimeout(metaTimer)
  }

  const problems = computed(() =>
    mapProblems(
      [...(app.value?.form_errors ?? []), ...submitErrors.value, ...draftErrors.value],
      translator,
      currentLocale() === 'zh-CN',
    ),
  )

  return {
    app,
    form,
    saveState,
    savedAt,
    conflictNotice,
    submitErrors,
    draftErrors,
    offeredLocal,
    problems,
    canEdit,
    load,
    applyApplication,
    refreshMeta,
    restoreLocal,
    discardLocal,
    flush,
    retry,
    revision,
    hasUnsaved,
    lastError,
    clearLocal,
    dispose,
  }
}
