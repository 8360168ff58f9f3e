import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, reactive, ref, type EffectScope } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import type { FormInstance } from 'element-plus'
import { toApiError } from '../src/api/http'
import { useDialogForm, type DialogFormOptions } from '../src/composables/useDialogForm'
import { useFormErrors } from '../src/composables/useFormErrors'
import { draftKey, loadDraft, saveDraft } from '../src/utils/drafts'

const confirm = vi.hoisted(() => vi.fn<() => Promise<void>>())
vi.mock('element-plus', () => ({ ElMessageBox: { confirm } }))

/** sessionStorage for the drafts. */
function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    get length() {
      return m.size
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  }
}

type Model = { name: string; password: string }
const FORM = 'test-form'
/** Where useFormDraft keeps it (no user logged in here). */
const KEY = draftKey(undefined, FORM)

describe('dialog form (open, cancel, save)', () => {
  let scope: EffectScope
  const open = ref(false)
  const closed = vi.fn()
  const valid = ref(true)
  const form = ref({
    validate: () => (valid.value ? Promise.resolve(true) : Promise.reject(new Error('invalid'))),
    clearValidate: vi.fn(),
  } as unknown as FormInstance)

  function setup(extra: Partial<DialogFormOptions<Model>> = {}) {
    const model = reactive<Model>({ name: '', password: '' })
    const errors = useFormErrors(['name'])
    const dialog = useDialogForm<Model>({
      open: () => open.value,
      model,
      errors,
      start: () => ({ values: { name: '甲', password: '' }, draftKey: FORM }),
      close: () => {
        open.value = false
        closed()
      },
      draftExclude: ['password'],
      form,
      ...extra,
    })
    return { model, errors, dialog }
  }

  function run<T>(fn: () => T): T {
    return scope.run(fn)!
  }

  beforeEach(() => {
    vi.stubGlobal('sessionStorage', memoryStorage())
    setActivePinia(createPinia())
    scope = effectScope()
    open.value = false
    valid.value = true
    closed.mockReset()
    confirm.mockReset()
  })
  afterEach(() => {
    scope.stop()
    vi.unstubAllGlobals()
  })

  it('starts from the given values on opening, keeps a draft without the password and clears old errors', async () => {
    const { model, errors, dialog } = run(() => setup())
    errors.apply(toApiError(422, { error: { code: 'validation_failed', message: '', fields: [{ field: 'name', code: 'required', message: '' }] } }))
    open.value = true
    await nextTick()
    expect(model.name).toBe('甲')
    expect(errors.errors.fields).toEqual({})
    expect(dialog.dirty()).toBe(false)
    model.name = '乙'
    model.password = 'secret'
    await nextTick()
    expect(loadDraft<Model>(KEY)).toEqual({ name: '乙' })
  })

  it('restores a draft, which counts as a change, and 放弃草稿 goes back to the start', async () => {
    saveDraft(KEY, { name: '草稿' })
    const { model, dialog } = run(() => setup())
    open.value = true
    await nextTick()
    expect(model.name).toBe('草稿')
    expect(dialog.draft.restored.value).toBe(true)
    expect(dialog.dirty()).toBe(true)
    dialog.discardDraft()
    expect(model.name).toBe('甲')
    expect(dialog.draft.restored.value).toBe(false)
  })

  it('closes at once when nothing changed, asks first when something did', async () => {
    const { model, dialog } = run(() => setup())
    open.value = true
    await nextTick()
    await dialog.cancel()
    expect(confirm).not.toHaveBeenCalled()
    expect(closed).toHaveBeenCalledTimes(1)

    open.value = true
    await nextTick()
    model.name = '乙'
    await nextTick()
    confirm.mockRejectedValueOnce(new Error('keep editing'))
    dialog.beforeClose()
    await vi.waitFor(() => expect(confirm).toHaveBeenCalledTimes(1))
    expect(closed).toHaveBeenCalledTimes(1)
    expect(loadDraft<Model>(KEY)).toEqual({ name: '乙' })

    confirm.mockResolvedValueOnce()
    await dialog.cancel()
    expect(closed).toHaveBeenCalledTimes(2)
    expect(loadDraft<Model>(KEY)).toBeNull()
  })

  it('never asks when told so', async () => {
    const { model, dialog } = run(() => setup({ confirmDiscard: false }))
    open.value = true
    await nextTick()
    model.name = '乙'
    await dialog.cancel()
    expect(confirm).not.toHaveBeenCalled()
    expect(closed).toHaveBeenCalledTimes(1)
  })

  it('saves only a valid form, once at a time, and puts a failed save beside the fields', async () => {
    const { errors, dialog } = run(() => setup())
    open.value = true
    await nextTick()
    const action = vi.fn(async () => undefined)

    valid.value = false
    await dialog.submit(action)
    expect(action).not.toHaveBeenCalled()

    valid.value = true
    let release: () => void = () => undefined
    action.mockImplementationOnce(() => new Promise<undefined>((r) => (release = () => r(undefined))))
    const first = dialog.submit(action)
    await vi.waitFor(() => expect(dialog.saving.value).toBe(true))
    await dialog.submit(action)
    expect(action).toHaveBeenCalledTimes(1)
    release()
    await first
    expect(dialog.saving.value).toBe(false)

    action.mockRejectedValueOnce(
      toApiError(422, { error: { code: 'validation_failed', message: '', fields: [{ field: 'name', code: 'too_long', message: '' }] } }),
    )
    await dialog.submit(action)
    expect(Object.keys(errors.errors.fields)).toEqual(['name'])
    expect(dialog.saving.value).toBe(false)
    expect(closed).not.toHaveBeenCalled()
  })
})
