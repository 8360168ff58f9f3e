/** The opinion editor's HTML (RichTextEditor): allowlist, emptiness and plain text. Unit-tested (tests/review/opinionHtml.test.ts). */

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'p', 'br', 'div'])

/**
 * Allowlist for the opinion editor's HTML (display and local drafts; the server sanitises what
 * it stores): only b/strong/i/em/u/ul/ol/li/p/br/div survive, without any attribute; script and
 * style blocks and comments go with their content; every other `<`/`>` becomes text.
 */
export function sanitizeHtml(html: string | null | undefined): string {
  if (!html) return ''
  let s = String(html)
  s = s.replace(/<!--[\s\S]*?(-->|$)/g, '')
  s = s.replace(/<(script|style|iframe|object|template|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
  const out: string[] = []
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>/g
  let last = 0
  const text = (t: string) => t.replace(/</g, '&lt;').replace(/>/g, '&gt;')
  for (let m = tag.exec(s); m; m = tag.exec(s)) {
    out.push(text(s.slice(last, m.index)))
    const name = m[2]!.toLowerCase()
    if (ALLOWED_TAGS.has(name)) out.push(name === 'br' ? '<br>' : `<${m[1]}${name}>`)
    last = tag.lastIndex
  }
  out.push(text(s.slice(last)))
  return out.join('')
}

/** True when the HTML has no visible text (an empty editor still holds `<br>` or `<div></div>`). */
export function isHtmlEmpty(html: string | null | undefined): boolean {
  return !htmlToText(html).trim()
}

/** Plain text of the opinion (character count). */
export function htmlToText(html: string | null | undefined): string {
  return (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}
