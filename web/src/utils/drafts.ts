/**
 * Form drafts in sessionStorage ("nothing typed is lost").
 *
 * A dialog writes its model here on every change while it is open, and clears it on a
 * successful save or when the user cancels. If the session expires meanwhile, the page is
 * unmounted without clearing, so after re-login the same dialog reopens with the input.
 * Keys are scoped by user id so a different account on the same tab never sees them.
 * Passwords are never written (callers pass them in `exclude`).
 */
const PREFIX = 'chanjiao.draft.'

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    return null
  }
}

export function draftKey(userId: number | null | undefined, form: string): string {
  return `${PREFIX}${userId ?? 'anon'}.${form}`
}

export function saveDraft(key: string, model: object, exclude: readonly string[] = []): void {
  const s = storage()
  if (!s) return
  const copy: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(model)) if (!exclude.includes(k)) copy[k] = v
  try {
    s.setItem(key, JSON.stringify(copy))
  } catch {
    /* quota or private mode: drafts are best effort */
  }
}

export function loadDraft<T extends object>(key: string): Partial<T> | null {
  const raw = storage()?.getItem(key)
  if (!raw) return null
  try {
    const v = JSON.parse(raw)
    return v && typeof v === 'object' ? (v as Partial<T>) : null
  } catch {
    return null
  }
}

export function clearDraft(key: string): void {
  storage()?.removeItem(key)
}

/** Keys (full) starting with the given draft key prefix. */
export function findDraftKeys(keyPrefix: string): string[] {
  const s = storage()
  if (!s) return []
  const out: string[] = []
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i)
    if (k && k.startsWith(keyPrefix)) out.push(k)
  }
  return out
}

/** On explicit logout every draft goes (the next person at this browser must not see them). */
export function clearAllDrafts(): void {
  for (const k of findDraftKeys(PREFIX)) clearDraft(k)
}

/** Copy only keys that exist in `target` (old drafts never add unknown keys to a request body). */
export function applyDraft<T extends object>(target: T, draft: Partial<T>): void {
  for (const k of Object.keys(target) as (keyof T)[]) {
    if (k in draft) target[k] = draft[k] as T[keyof T]
  }
}
