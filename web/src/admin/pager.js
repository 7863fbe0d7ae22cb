// Paging for the console's lists: «previous · page n of m · next».
import { h } from '../dom.js'
import { number } from './format.js'
import { t } from '../i18n.js'

export const PAGE_SIZE = 25

export function pager(total, offset, onPage) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const page = Math.floor(offset / PAGE_SIZE) + 1
  return h('nav', { class: 'pager' },
    h('button', { type: 'button', class: 'prev', disabled: page <= 1, onclick: () => onPage(offset - PAGE_SIZE) }, t('prev')),
    h('span', {}, t('page_of', { page: number(page), pages: number(pages) }), ' · ', t('total', { n: number(total) })),
    h('button', { type: 'button', class: 'next', disabled: page >= pages, onclick: () => onPage(offset + PAGE_SIZE) }, t('next')))
}
