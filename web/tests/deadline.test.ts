import { describe, expect, it } from 'vitest'
import {
  beijingInputToIso,
  beijingToday,
  formatBeijingMinute,
  formatClock,
  formatCountdown,
  formatDeadline,
  isBeijingMidnight,
  isoToBeijingInput,
  midnightAsPreviousDay,
  remaining,
} from '../src/utils/deadline'
import { callModelToPayload, emptyCallModel } from '../src/views/calls/callForm'
import { testTranslator } from './translator'

const zh = testTranslator('zh-CN')

describe('formatDeadline (Beijing time, the notices’ 24:00 wording)', () => {
  it('shows 00:00 Beijing as the previous day 24:00', () => {
    expect(formatDeadline('2022-12-01T00:00:00+08:00')).toBe('2022-11-30 24:00')
    expect(formatDeadline('2022-11-30T16:00:00Z')).toBe('2022-11-30 24:00')
    expect(isBeijingMidnight('2022-11-30T16:00:00Z')).toBe(true)
  })
  it('shows other instants in Beijing wall time whatever the zone of the input', () => {
    expect(formatDeadline('2022-11-30T09:30:00Z')).toBe('2022-11-30 17:30')
    expect(formatDeadline('2022-11-30T17:00:00+08:00')).toBe('2022-11-30 17:00')
    expect(formatDeadline('2022-12-31T16:00:01Z')).toBe('2023-01-01 00:00')
    expect(formatDeadline('2023-01-01T00:00:00+08:00')).toBe('2022-12-31 24:00')
  })
  it('passes through empty and invalid values', () => {
    expect(formatDeadline(null)).toBe('')
    expect(formatDeadline('soon')).toBe('soon')
  })
  it('shows opening times without the 24:00 wording', () => {
    expect(formatBeijingMinute('2022-11-01T00:00:00+08:00')).toBe('2022-11-01 00:00')
  })
  it('formats a clock time for the autosave status', () => {
    expect(formatClock('2025-03-01T01:02:03Z')).toBe('09:02:03')
  })
})

describe('countdown', () => {
  const deadline = '2022-12-01T00:00:00+08:00'
  const at = (iso: string) => Date.parse(iso)
  it('is closed from the deadline on (submissions need now < deadline)', () => {
    expect(remaining(deadline, at('2022-12-01T00:00:00+08:00')).passed).toBe(true)
    expect(remaining(deadline, at('2022-11-30T23:59:59.999+08:00')).passed).toBe(false)
    expect(formatCountdown(deadline, at('2022-12-02T00:00:00+08:00'), zh)).toBe('已截止')
  })
  it('words the time left', () => {
    expect(formatCountdown(deadline, at('2022-11-28T21:30:00+08:00'), zh)).toBe('剩余 2 天 2 小时')
    expect(formatCountdown(deadline, at('2022-11-30T21:15:00+08:00'), zh)).toBe('剩余 2 小时 45 分钟')
    expect(formatCountdown(deadline, at('2022-11-30T23:50:00+08:00'), zh)).toBe('剩余 10 分钟')
    expect(formatCountdown(deadline, at('2022-11-30T23:59:30+08:00'), zh)).toBe('剩余不足 1 分钟')
  })
})

describe('Beijing date-time inputs', () => {
  it('turns an input value into RFC 3339 at +08:00', () => {
    expect(beijingInputToIso('2022-12-01T00:00')).toBe('2022-12-01T00:00:00+08:00')
    expect(beijingInputToIso('2022-11-30 17:30:15')).toBe('2022-11-30T17:30:15+08:00')
    expect(beijingInputToIso('')).toBe('')
  })
  it('shows an instant as a Beijing input value', () => {
    expect(isoToBeijingInput('2022-11-30T16:00:00Z')).toBe('2022-12-01T00:00')
    expect(isoToBeijingInput('2022-11-30T09:30:15Z')).toBe('2022-11-30T17:30:15')
    expect(isoToBeijingInput(null)).toBe('')
  })
  it('reads a midnight input back in the 24:00 wording', () => {
    expect(midnightAsPreviousDay('2022-12-01T00:00')).toBe('2022-11-30 24:00')
    expect(midnightAsPreviousDay('2022-12-01T08:00')).toBe('')
  })
  it('knows today in Beijing', () => {
    expect(beijingToday(Date.parse('2022-11-30T16:30:00Z'))).toBe('2022-12-01')
  })
  it('sends the call deadline the notice means by "2022-11-30 24:00"', () => {
    const m = { ...emptyCallModel('advanced_semiconductor'), title: ' 批次 ', opens_at: '2022-11-01T00:00', deadline: '2022-12-01T00:00' }
    m.contacts = [{ name: '王老师', phone: '010-1', email: '' }, { name: '', phone: '', email: '' }]
    m.directions = [{ code: 'power_devices', name: '功率器件' }, { code: '', name: '' }]
    const p = callModelToPayload(m)
    expect(p.deadline).toBe('2022-12-01T00:00:00+08:00')
    expect(p.title).toBe('批次')
    expect(p.contacts).toHaveLength(1)
    expect(p.directions).toEqual([{ code: 'power_devices', name: '功率器件' }])
    expect(Object.keys(p).sort()).toEqual(
      ['field', 'title', 'doc_number', 'opens_at', 'deadline', 'status', 'contacts', 'postal_address', 'postal_code', 'postal_recipient', 'directions'].sort(),
    )
  })
})
