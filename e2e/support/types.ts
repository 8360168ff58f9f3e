/**
 * The review API's answers as the web client declares them (docs/API-review.md): one source for
 * the SPA and the specs, so a change of shape fails the e2e type check too.
 */
export type { Assignment, Expert } from '../../web/src/api/review'
