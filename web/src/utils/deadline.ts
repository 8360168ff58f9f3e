/**
 * Deadlines are Beijing time (Asia/Shanghai, UTC+8, no DST) whatever the browser's zone.
 *
 * The notices write "2022年11月30日24:00": the API stores that instant as
 * 2022-12-01T00:00:00+08:00, and we show it back as "2022-11-30 24:00" so it reads like the notice.
 */
import type { Translator } from '../i18n'

const BEIJING_OFFSET_MS = 8 * 3600 * 1000

interface Parts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** Wall-clock parts in Beijing (fixed +08:00, so plain arithmetic is exact). */
function beijingParts(d: Date): Parts {
  const b = new Date(d.getTime() + BEIJING_OFFSET_MS)
  return {
    year: b.getUTCFullYear(),
    month: b.getUTCMonth() + 1,
    day: b.getUTCDate(),
    hour: b.getUTCHours(),
    minute: b.getUTCMinutes(),
    second: b.getUTCSeconds(),
  }
}

function parse(iso: string | Date | null | undefined): Date | null {
  if (!iso) return null
  const d = iso instanceof Date ? iso : new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

const ymd = (p: Parts) => `${p.year}-${pad(p.month)}-${pad(p.day)}`

/** True when the instant is exactly 00:00:00 Beijing, i.e. "the previous day 24:00". */
export function isBeijingMidnight(iso: string | Date | null | undefined): boolean {
  const d = parse(iso)
  if (!d) return false
  const p = beijingParts(d)
  return p.hour === 0 && p.minute === 0 && p.second === 0
}

/**
 * `YYYY-MM-DD HH:mm` in Beijing; an instant at 00:00 becomes the previous day's `24:00`
 * (the wording of the notices). Invalid input is passed through unchanged.
 */
export function formatDeadline(iso: string | null | undefined): string {
  const d = parse(iso)
  if (!d) return iso ?? ''
  if (isBeijingMidnight(d)) {
    const prev = beijingParts(new Date(d.getTime() - 1000))
    return `${ymd(prev)} 24:00`
  }
  const p = beijingParts(d)
  return `${ymd(p)} ${pad(p.hour)}:${pad(p.minute)}`
}

/** `YYYY-MM-DD HH:mm` in Beijing without the 24:00 wording (opening times: "from 00:00"). */
export function formatBeijingMinute(iso: string | null | undefined): string {
  const d = parse(iso)
  if (!d) return iso ?? ''
  const p = beijingParts(d)
  return `${ymd(p)} ${pad(p.hour)}:${pad(p.minute)}`
}

/** `HH:mm:ss` Beijing (autosave status). */
export function formatClock(iso: string | Date | null | undefined): string {
  const d = parse(iso)
  if (!d) return ''
  const p = beijingParts(d)
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`
}

export interface Remaining {
  passed: boolean
  days: number
  hours: number
  minutes: number
  totalMs: number
}

/** Time left until the deadline; `passed` once now ≥ deadline (submissions need now < deadline). */
export function remaining(deadline: string | Date, now: Date | number = Date.now()): Remaining {
  const d = parse(deadline)
  const n = typeof now === 'number' ? now : now.getTime()
  const totalMs = d ? d.getTime() - n : 0
  if (!d || totalMs <= 0) return { passed: true, days: 0, hours: 0, minutes: 0, totalMs: Math.min(totalMs, 0) }
  const totalMin = Math.floor(totalMs / 60000)
  return {
    passed: false,
    days: Math.floor(totalMin / 1440),
    hours: Math.floor((totalMin % 1440) / 60),
    minutes: totalMin % 60,
    totalMs,
  }
}

/** "剩余 3 天 4 小时" / "剩余 2 小时 5 分钟" / "剩余不足 1 分钟" / "已截止". */
export function formatCountdown(deadline: string | Date, now: Date | number, tr: Translator): string {
  const r = remaining(deadline, now)
  if (r.passed) return tr.t('deadline.closed')
  if (r.days > 0) return tr.t('deadline.left_days', { d: r.days, h: r.hours })
  if (r.hours > 0) return tr.t('deadline.left_hours', { h: r.hours, m: r.minutes })
  if (r.minutes > 0) return tr.t('deadline.left_minutes', { m: r.minutes })
  return tr.t('deadline.left_under_minute')
}

/** Date-time input value (Beijing wall clock, `YYYY-MM-DDTHH:mm[:ss]` or with a space) → RFC 3339 with +08:00. */
export function beijingInputToIso(value: string | null | undefined): string {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim())
  if (!m) return value
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+08:00`
}

/**
 * RFC 3339 → `<input type="datetime-local">` value in Beijing wall clock
 * (`YYYY-MM-DDTHH:mm`, `:ss` only when not zero).
 */
export function isoToBeijingInput(iso: string | null | undefined): string {
  const d = parse(iso)
  if (!d) return ''
  const p = beijingParts(d)
  return `${ymd(p)}T${pad(p.hour)}:${pad(p.minute)}${p.second ? ':' + pad(p.second) : ''}`
}

/** For a datetime-local value at 00:00: the same instant in the notices' wording ("2022-11-30 24:00"), else "". */
export function midnightAsPreviousDay(value: string | null | undefined): string {
  const iso = beijingInputToIso(value)
  return iso && isBeijingMidnight(iso) ? formatDeadline(iso) : ''
}

/** Today's date in Beijing, `YYYY-MM-DD` (defaults for date pickers). */
export function beijingToday(now: Date | number = Date.now()): string {
  return ymd(beijingParts(new Date(now)))
}
