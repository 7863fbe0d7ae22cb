// The one element builder for every page: h('a', { href }, 'text', child…).
// Text is always text, never HTML; `class`/`className`, `dataset` and `on*`
// listeners are understood; null, undefined and false attributes are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key === 'className') el.className = value
    else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

export function mount(target, ...children) {
  target.replaceChildren(...children.flat().filter(Boolean))
}

// A value someone typed (a name, a description, an amount with its unit): isolated
// from the surrounding text so Arabic inside English (or the reverse) reads right.
export function bdi(value, attrs = {}) {
  return h('bdi', { dir: 'auto', ...attrs }, value)
}

// «…» around a quoted value, the value itself direction-isolated (a span, not
// <q>, whose own quote marks would be the browser's “…”).
export function quoted(value, attrs = {}) {
  return h('span', { class: 'quoted', ...attrs }, '«', bdi(value), '»')
}

// Text written by the server with emoji as icons («🔔 طلب جديد»): the emoji go
// (where no emoji font exists they show as empty boxes) and the page draws an SVG
// icon instead.
const PICTOGRAPHS = /\p{Extended_Pictographic}\uFE0F?\u200D?\s*/gu
export function withoutEmoji(text) {
  return String(text ?? '').replace(PICTOGRAPHS, '').trim()
}

// Grey placeholder rows while a list loads (the word is there for screen readers).
export function skeleton(rows = 3, tag = 'li') {
  return Array.from({ length: rows }, (_, i) => h(tag, { class: 'skeleton', 'aria-busy': 'true', dataset: { row: i } },
    h('span', { class: 'sk-line wide' }), h('span', { class: 'sk-line' })))
}
