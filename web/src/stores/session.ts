import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, type Me } from '../api/auth'
import { clearAllDrafts } from '../utils/drafts'

/** Who is logged in, what they may do, and the CSRF token for mutating requests. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<Me | null>(null)
  const csrfToken = ref('')
  const loaded = ref(false)
  let loading: Promise<void> | null = null
  /** In-flight token refresh after an expiry, so a quick login waits for it instead of racing it. */
  let renewing: Promise<void> | null = null

  const capabilities = computed(() => new Set(user.value?.capabilities ?? []))
  const isLoggedIn = computed(() => user.value !== null)

  function can(capability: string): boolean {
    return capabilities.value.has(capability)
  }

  /** GET /api/auth/session — refreshes token and user. Errors leave the user logged out. */
  async function refresh(): Promise<void> {
    try {
      const s = await authApi.session()
      csrfToken.value = s.csrf_token
      user.value = s.user
    } catch (e) {
      user.value = null
      throw e
    } finally {
      loaded.value = true
    }
  }

  /** First call loads the session; later calls reuse the result. Never throws. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    loading ??= refresh().catch(() => undefined)
    return loading
  }

  async function login(login: string, password: string): Promise<Me> {
    if (renewing) await renewing
    if (!csrfToken.value) await refresh().catch(() => undefined)
    const res = await authApi.login(login, password)
    csrfToken.value = res.csrf_token
    user.value = res.user
    loaded.value = true
    return res.user
  }

  /** Explicit logout: server session, local state and drafts all go. */
  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch {
      /* already logged out on the server: nothing to do */
    }
    user.value = null
    clearAllDrafts()
    // The old token is bound to the old session: fetch a fresh one for the next login.
    await refresh().catch(() => undefined)
  }

  /**
   * The server said the session is gone (401): forget the user but keep drafts.
   * The CSRF token belonged to the dead session, so drop it and fetch a fresh one right away:
   * the next login then goes through on the first try instead of a 403 `csrf_failed` + retry.
   */
  function markExpired(): Promise<void> {
    user.value = null
    csrfToken.value = ''
    if (!renewing) {
      const p = authApi
        .session()
        .then((s) => {
          // Never overwrite a token a login obtained meanwhile.
          if (!csrfToken.value) csrfToken.value = s.csrf_token
        })
        .catch(() => undefined)
        .finally(() => {
          if (renewing === p) renewing = null
        })
      renewing = p
    }
    return renewing
  }

  function setUser(me: Me): void {
    user.value = me
  }

  return { user, csrfToken, loaded, capabilities, isLoggedIn, can, refresh, ensureLoaded, login, logout, markExpired, setUser }
})
