import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { metaApi, type Meta } from '../api/meta'

/** GET /api/meta, loaded once per session and shared by every form and filter. */
export const useMetaStore = defineStore('meta', () => {
  const meta = ref<Meta | null>(null)
  const error = ref<unknown>(null)
  let pending: Promise<Meta> | null = null

  async function load(force = false): Promise<Meta> {
    if (meta.value && !force) return meta.value
    pending ??= metaApi
      .get()
      .then((m) => {
        meta.value = m
        error.value = null
        return m
      })
      .catch((e) => {
        error.value = e
        throw e
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  const provinceNames = computed(() => new Map((meta.value?.provinces ?? []).map((p) => [p.code, p.name])))
  const fieldNames = computed(() => new Map((meta.value?.fields ?? []).map((f) => [f.code, f.name])))

  function provinceName(code: string | null | undefined): string {
    if (!code) return ''
    return provinceNames.value.get(code) ?? code
  }

  return { meta, error, load, provinceName, fieldNames }
})
