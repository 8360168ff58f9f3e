import { reactive } from 'vue'
import { translator } from '../i18n'
import { mapFormErrors, type FieldErrorMap } from '../utils/formErrors'

/**
 * Reactive error state for one form:
 * `fields[name]` feeds `<el-form-item :error>`, `summary`/`other` feed an el-alert.
 */
export function useFormErrors(knownFields?: readonly string[]) {
  const state = reactive({
    fields: {} as FieldErrorMap,
    other: [] as string[],
    summary: '',
  })
  function reset() {
    state.fields = {}
    state.other = []
    state.summary = ''
  }
  function apply(err: unknown) {
    const m = mapFormErrors(err, translator, knownFields)
    state.fields = m.fields
    state.other = m.other
    state.summary = m.summary
  }
  function clearField(name: string) {
    if (state.fields[name]) {
      const next = { ...state.fields }
      delete next[name]
      state.fields = next
    }
  }
  return { errors: state, reset, apply, clearField }
}
