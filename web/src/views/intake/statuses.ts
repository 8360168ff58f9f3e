import type { ApplicationStatus } from '../../api/applications'

/** Every application status, in life-cycle order (crates/domain/src/application.rs Status::ALL). */
export const APPLICATION_STATUSES: ApplicationStatus[] = [
  'draft',
  'submitted',
  'returned',
  'accepted_for_review',
  'under_review',
  'reviewed',
  'shortlisted',
  'not_selected',
  'initiated',
  'under_construction',
  'mid_term_passed',
  'rectify',
  'accepted',
  'acceptance_failed',
  'plaque_awarded',
  'withdrawn',
]
