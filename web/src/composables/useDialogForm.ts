import { nextTick, ref, useTemplateRef, watch, type Ref } from 'vue'
import { ElMessageBox, type FormInstance } from 'element-plus'
import { translator } from '../i18n'
import { useFormDraft } from './useFormDraft'

/** How a dialog's form starts: the model's values and, when it keeps one, the draft's key. */
export interface DialogStart<M> {
  values: M
  /** Key of the sessionStorage draft (see useFormDraft); none = no draft. */
  draftKey?: string
}

export interface DialogFormOptions<M extends object> {
  /** The dialog's v-model. */
  open: () => boolean
  /** The form's reactive model. */
  model: M
  /** Error state from useFormErrors / useReviewErrors: cleared on opening and before saving, filled by a failed save. */
  errors: { reset: () => void; apply: (err: unknown) => void }
  /**
   * Each opening: start loading what the form needs and say how it starts, or null to leave it as
   * it is (nothing to edit). May be async (the errors are cleared before it is awaited).
   */
  start: () => DialogStart<M> | null | Promise<DialogStart<M> | null>
  /** After the model holds its starting values (or a restored draft) and the draft is kept. */
  started?: () => void
  /** Closes the dialog (emit `update:modelValue` false). */
  close: () => void
  /** Model keys never written to the draft (passwords). */
  draftExclude?: readonly string[]
  /** Ask before Cancel / × / Esc throws away changes (default true). */
  confirmDiscard?: boolean
  /** The el-form; by default the template's `<el-form ref="formRef">`. */
  form?: Readonly<Ref<FormInstance | null | undefined>>
}

/**
 * The life of a dialog's form: on opening the model is reset (or restored from its draft), the
 * errors cleared and the validation marks removed; Cancel, × and Esc ask before discarding
 * changes; saving validates, shows `saving` and maps a failed save's field errors beside the
 * items, keeping the dialog and its input. A successful save ends with `close()`, which drops the draft.
 */
export function useDialogForm<M extends object>(opts: DialogFormOptions<M>) {
  const { t } = translator
  const formRef = opts.form ?? useTemplateRef<FormInstance>('formRef')
  const saving = ref(false)
  const draft = useFormDraft(opts.model, opts.draftExclude)
  /** The model as it started (JSON): changes are judged, and the draft discarded, against it. */
  let snapshot = ''

  /** Fill the model for a fresh start and keep its draft (restoring one that exists). */
  function begin(s: DialogStart<M>) {
    Object.assign(opts.model, s.values)
    snapshot = JSON.stringify(opts.model)
    if (s.draftKey) draft.start(s.draftKey)
  }

  watch(
    opts.open,
    async (open) => {
      if (!open) return
      const pending = opts.start()
      if (pending === null) return
      opts.errors.reset()
      const s = pending instanceof Promise ? await pending : pending
      if (!s) return
      begin(s)
      opts.started?.()
      await nextTick()
      formRef.value?.clearValidate()
    },
    { immediate: true },
  )

  function dirty(): boolean {
    return JSON.stringify(opts.model) !== snapshot
  }

  function close() {
    draft.discard()
    opts.close()
  }

  async function cancel() {
    if ((opts.confirmDiscard ?? true) && dirty()) {
      try {
        await ElMessageBox.confirm(t('common.discard_confirm'), t('common.discard_title'), {
          type: 'warning',
          confirmButtonText: t('common.discard'),
          cancelButtonText: t('common.keep_editing'),
        })
      } catch {
        return
      }
    }
    close()
  }

  /** `before-close` of el-dialog (× and Esc): same as Cancel; the dialog closes through its v-model. */
  function beforeClose() {
    void cancel()
  }

  /** 「放弃草稿」: back to the values this opening started from. */
  function discardDraft() {
    Object.assign(opts.model, JSON.parse(snapshot) as M)
    draft.restored.value = false
  }

  /** Validate, then run `action` with `saving` set; its failure goes to the errors. */
  async function submit(action: () => Promise<void>) {
    if (saving.value) return
    opts.errors.reset()
    const valid = await formRef.value?.validate().catch(() => false)
    if (!valid) return
    saving.value = true
    try {
      await action()
    } catch (e) {
      opts.errors.apply(e)
    } finally {
      saving.value = false
    }
  }

  return { formRef, saving, draft, begin, dirty, close, cancel, beforeClose, discardDraft, submit }
}
