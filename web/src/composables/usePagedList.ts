import { reactive, ref, shallowRef, type Ref } from 'vue'
import type { Page } from '../api/common'
import { translator } from '../i18n'
import { errorMessage } from '../utils/errorMessage'

/** What a list page (components/ListPage.vue) reads and drives. */
export interface PagedList<T> {
  items: Ref<T[]>
  total: Ref<number>
  loading: Ref<boolean>
  /** Translated load error, '' when the last load succeeded. */
  error: Ref<string>
  paging: { page: number; per_page: number }
  /** Reload the current page. */
  load: () => Promise<void>
  /** Back to page 1 and load (new filters or page size). */
  search: () => Promise<void>
}

/**
 * Server-side paged list state for a table page: items, total, page, per_page,
 * loading and a translated error. Out-of-order responses are dropped.
 */
export function usePagedList<T, Q extends object>(fetchPage: (q: Q & { page: number; per_page: number }) => Promise<Page<T>>, filters: Q): PagedList<T> {
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')
  const paging = reactive({ page: 1, per_page: 20 })
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    error.value = ''
    try {
      const res = await fetchPage({ ...filters, page: paging.page, per_page: paging.per_page })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
    } catch (e) {
      if (mine !== seq) return
      error.value = errorMessage(e, translator)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function search() {
    paging.page = 1
    return load()
  }

  return { items, total, loading, error, paging, load, search }
}
