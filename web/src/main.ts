import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router, redirectToLogin } from './router'
import { i18n } from './i18n'
import { configureHttp } from './api/http'
import { useSessionStore } from './stores/session'
// Styles for the programmatic Element Plus APIs (ElMessage/ElMessageBox); components get theirs on demand.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)

const session = useSessionStore(pinia)
configureHttp({
  getCsrfToken: () => session.csrfToken,
  refreshCsrfToken: async () => {
    await session.refresh().catch(() => undefined)
    return session.csrfToken
  },
  onAuthLost: () => {
    void session.markExpired()
    redirectToLogin()
  },
})

document.documentElement.lang = i18n.global.locale.value
app.use(router)
void router.isReady().then(() => app.mount('#app'))
