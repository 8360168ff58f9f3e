import { reactive } from 'vue'
import { isApiError } from '../../api/http'
import { currentLocale, translator } from '../../i18n'
import { errorMessage } from '../../utils/errorMessage'
import { splitErrors, type SplitErrors } from './errorPaths'

/**
 * Error state of one review form (same shape as useFormErrors, so FormErrorAlert shows it):
 * field errors beside their items, by `place(path)`; zh-CN shows the server's own message
 * (it names the field and the limit), other locales the catalogue entry.
 */
export function useReviewErrors(place: (path: string) => string | null) {
  const state = reactive<SplitErrors>({ summary: '', other: [], fields: {} })
  function reset() {
    state.summary = ''
    state.other = []
    state.fields = {}
  }
  function apply(err: unknown) {
    const s = splitErrors(isApiError(err) ? err : null, errorMessage(err, translator), translator, place, currentLocale() === 'zh-CN')
    state.summary = s.summary
    state.other = s.other
    state.fields = s.fields
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
