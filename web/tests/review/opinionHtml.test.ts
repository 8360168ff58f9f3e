import { describe, expect, it } from 'vitest'
import { htmlToText, isHtmlEmpty, sanitizeHtml } from '../../src/views/review/opinionHtml'

describe('opinion HTML allowlist', () => {
  it('keeps the editor formatting without attributes', () => {
    expect(sanitizeHtml('<p style="x">意见<b class="a">很好</b><i>建议</i></p><ul><li>一</li></ul><br/>')).toBe(
      '<p>意见<b>很好</b><i>建议</i></p><ul><li>一</li></ul><br>',
    )
  })
  it('drops scripts, handlers and unknown tags, and escapes stray brackets', () => {
    expect(sanitizeHtml('<script>alert(1)</script>a<img src=x onerror=alert(1)>b')).toBe('ab')
    expect(sanitizeHtml('<b onclick="x>y">z</b>')).toBe('<b>y"&gt;z</b>')
    expect(sanitizeHtml('1 < 2 > 0 <a href="javascript:x">l</a>')).toBe('1 &lt; 2 &gt; 0 l')
    expect(sanitizeHtml('<!-- c -->t<style>p{}</style>')).toBe('t')
    expect(sanitizeHtml(null)).toBe('')
  })
  it('knows when the opinion is empty', () => {
    expect(isHtmlEmpty('<div><br></div>')).toBe(true)
    expect(isHtmlEmpty('<p>&nbsp;</p>')).toBe(true)
    expect(htmlToText('<p>a&amp;b</p><p>c</p>')).toBe('a&b c')
  })
})
