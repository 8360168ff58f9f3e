/**
 * 统一社会信用代码 (GB 32100-2015) client-side check, mirroring the server's codes
 * `uscc_length`, `uscc_charset`, `uscc_checksum`. The server stays authoritative.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export type UsccProblem = 'uscc_length' | 'uscc_charset' | 'uscc_checksum' | null

export function checkUscc(value: string): UsccProblem {
  const v = value.trim().toUpperCase()
  if (v.length !== 18) return 'uscc_length'
  for (const c of v) if (!CHARSET.includes(c)) return 'uscc_charset'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(v[i]!) * WEIGHTS[i]!
  const check = (31 - (sum % 31)) % 31
  return CHARSET[check] === v[17] ? null : 'uscc_checksum'
}
