/// <reference types="vite/client" />

import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Route is reachable without a session (login page, not-found page). */
    public?: boolean
    /** Capability from Me.capabilities the route requires. */
    capability?: string
    /** i18n key of the page title (menu, header, document.title). */
    title?: string
  }
}
