import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { useSessionStore } from './stores/session'
import { i18n } from './i18n'

const AppFrame = () => import('./layout/AppFrame.vue')

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/login/LoginView.vue'),
      meta: { public: true, title: 'login.heading' },
    },
    // Public pages (no login): calls, partner invitations, verification of printed versions.
    {
      path: '/calls',
      name: 'calls-public',
      component: () => import('./views/calls/PublicCallsView.vue'),
      meta: { public: true, title: 'calls.public_title' },
    },
    {
      path: '/invite/:token',
      name: 'invite',
      component: () => import('./views/public/InviteView.vue'),
      meta: { public: true, title: 'invite.title' },
    },
    {
      path: '/verify',
      name: 'verify',
      component: () => import('./views/public/VerifyView.vue'),
      meta: { public: true, title: 'verify.title' },
    },
    {
      path: '/',
      component: AppFrame,
      children: [
        { path: '', name: 'home', component: () => import('./views/home/HomeView.vue'), meta: { title: 'nav.home' } },
        {
          path: 'profile',
          name: 'profile',
          component: () => import('./views/profile/ProfileView.vue'),
          meta: { title: 'nav.profile' },
        },
        {
          path: 'organizations',
          name: 'organizations',
          component: () => import('./views/organizations/OrganizationListView.vue'),
          meta: { title: 'nav.organizations', capability: 'org.list' },
        },
        {
          path: 'my-organization',
          name: 'my-organization',
          component: () => import('./views/organizations/OwnOrganizationView.vue'),
          meta: { title: 'nav.my_org', capability: 'org.edit_own' },
        },
        {
          path: 'users',
          name: 'users',
          component: () => import('./views/users/UserListView.vue'),
          meta: { title: 'nav.users', capability: 'user.list' },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('./views/audit/AuditLogView.vue'),
          meta: { title: 'nav.audit', capability: 'audit.read' },
        },
        {
          path: 'call-admin',
          name: 'call-admin',
          component: () => import('./views/calls/CallManageView.vue'),
          meta: { title: 'nav.call_admin', capability: 'call.manage' },
        },
        {
          path: 'applications',
          name: 'my-applications',
          component: () => import('./views/applications/MyApplicationsView.vue'),
          meta: { title: 'nav.my_applications', capability: 'application.create' },
        },
        {
          path: 'applications/:id(\\d+)/edit',
          name: 'application-edit',
          component: () => import('./views/applications/ApplicationEditView.vue'),
          meta: { title: 'application.edit_title', capability: 'application.create' },
        },
        {
          path: 'partner-applications',
          name: 'partner-applications',
          component: () => import('./views/applications/PartnerApplicationsView.vue'),
          meta: { title: 'nav.partner_applications', capability: 'application.partner' },
        },
        {
          path: 'intake',
          name: 'intake',
          component: () => import('./views/intake/IntakeListView.vue'),
          meta: { title: 'nav.intake', capability: 'application.intake' },
        },
        {
          path: 'intake/:id(\\d+)',
          name: 'intake-detail',
          component: () => import('./views/intake/IntakeDetailView.vue'),
          meta: { title: 'intake.detail_title', capability: 'application.intake' },
        },
        {
          path: 'experts',
          name: 'review-experts',
          component: () => import('./views/review/ExpertPoolView.vue'),
          meta: { title: 'nav.review_experts', capability: 'review.manage' },
        },
        {
          path: 'rounds',
          name: 'review-rounds',
          component: () => import('./views/review/RoundListView.vue'),
          meta: { title: 'nav.review_rounds', capability: 'review.manage' },
        },
        {
          path: 'rounds/:id(\\d+)',
          name: 'review-round',
          component: () => import('./views/review/RoundDetailView.vue'),
          meta: { title: 'review.rounds.detail_title', capability: 'review.manage' },
        },
        {
          path: 'my-reviews',
          name: 'my-reviews',
          component: () => import('./views/review/MyReviewsView.vue'),
          meta: { title: 'nav.my_reviews', capability: 'review.expert' },
        },
        {
          path: 'my-reviews/:id(\\d+)',
          name: 'review-edit',
          component: () => import('./views/review/ReviewView.vue'),
          meta: { title: 'review.form.page_title', capability: 'review.expert' },
        },
        {
          path: 'outbox',
          name: 'outbox',
          component: () => import('./views/notifications/OutboxView.vue'),
          meta: { title: 'nav.outbox', capability: 'review.manage' },
        },
        {
          path: 'forbidden',
          name: 'forbidden',
          component: () => import('./views/errors/ForbiddenView.vue'),
          meta: { title: 'forbidden.title' },
        },
      ],
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('./views/errors/NotFoundView.vue'),
      meta: { public: true, title: 'not_found.title' },
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

/** Only same-site absolute paths are accepted as a post-login destination. */
export function safeRedirect(value: unknown): string {
  const s = Array.isArray(value) ? value[0] : value
  if (typeof s === 'string' && s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/login')) return s
  return '/'
}

router.beforeEach(async (to): Promise<boolean | RouteLocationRaw> => {
  const session = useSessionStore()
  await session.ensureLoaded()
  if (to.name === 'login') {
    return session.isLoggedIn ? safeRedirect(to.query.redirect) : true
  }
  if (to.meta.public) return true
  if (!session.isLoggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  if (to.meta.capability && !session.can(to.meta.capability)) return { name: 'forbidden' }
  return true
})

router.afterEach((to) => {
  const title = to.meta.title ? i18n.global.t(to.meta.title) : ''
  const app = i18n.global.t('app.title')
  document.title = title ? `${title} - ${app}` : app
})

/** Called by the HTTP layer on 401 unauthenticated/session_expired. */
export function redirectToLogin(): void {
  const current = router.currentRoute.value
  if (current.name === 'login') return
  void router.push({ name: 'login', query: { redirect: current.fullPath, reason: 'expired' } })
}
