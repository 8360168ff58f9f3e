import { onScopeDispose, ref, type Ref } from 'vue'

/** Reactive `window.matchMedia(query).matches` (false outside a browser). */
export function useMediaQuery(query: string): Ref<boolean> {
  const mq = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query) : null
  const matches = ref(!!mq?.matches)
  const sync = () => {
    matches.value = !!mq?.matches
  }
  mq?.addEventListener('change', sync)
  onScopeDispose(() => mq?.removeEventListener('change', sync))
  return matches
}
