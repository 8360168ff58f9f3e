/** Element Plus tag types of the review statuses. */

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export const ASSIGNMENT_TAG: Record<string, TagType> = {
  invited: 'primary',
  accepted: 'success',
  declined: 'danger',
  proposed: 'warning',
}

export const REVIEW_TAG: Record<string, TagType> = {
  none: 'info',
  draft: 'warning',
  submitted: 'success',
}

export const ROUND_TAG: Record<string, TagType> = {
  setup: 'info',
  reviewing: 'primary',
  closed: 'success',
}

export const PHASE_TAG: Record<string, TagType> = {
  pending: 'info',
  active: 'success',
  closed: 'primary',
}
