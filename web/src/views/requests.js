import { api } from '../api.js'
import { bdi, h, mount, skeleton } from '../dom.js'
import { riyadhDateTime } from '../format.js'
import { t } from '../i18n.js'
import { onLive } from '../live.js'

const STATUSES = ['', 'pending', 'accepted', 'rejected', 'expired']

export function requestsView(app, params) {
  const status = STATUSES.includes(params.get('status') || '') ? params.get('status') || '' : ''
  const q = params.get('q') || ''
  const page = Math.max(1, Number(params.get('page')) || 1)
  const go = (next) => {
    const merged = new URLSearchParams({ status, q, page: String(page), ...next })
    for (const [k, v] of [...merged]) if (!v) merged.delete(k)
    window.location.hash = `#/requests?${merged}`
  }
  const tabs = h('nav', { class: 'tabs', id: 'status-tabs' })
  const search = h('input', { type: 'search', id: 'request-search', value: q, placeholder: t('search') })
  let timer = null
  search.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => go({ q: search.value.trim(), page: '1' }), 300)
  })
  const list = h('ul', { class: 'requests', id: 'request-list' })
  const pager = h('nav', { class: 'pager' })
  const section = h('section', { class: 'page', id: 'requests-page' },
    h('header', { class: 'page-head' }, h('h1', {}, t('requests_title'))), tabs, search, list, pager)

  function row(r) {
    const state = r.effective_status
    return h('li', { class: `request status-${state}`, dataset: { id: r.id } },
      h('a', { href: `#/requests/${r.id}` },
        h('span', { class: 'who' }, bdi(r.client_name || r.client_whatsapp_phone)),
        h('span', { class: `badge ${state}` }, t(`status_${state}`)),
        h('span', { class: 'what', dir: 'auto' }, r.service_description),
        h('span', { class: 'meta' }, bdi(r.budget_range || t('none')), ' · ', h('time', { datetime: r.created_at }, riyadhDateTime(r.created_at)))))
  }

  async function load() {
    mount(list, skeleton(4))
    try {
      const data = await api.requests({ status, q, page })
      mount(tabs, STATUSES.map((s) => h('a', {
        href: `#/requests?${new URLSearchParams({ ...(s ? { status: s } : {}), ...(q ? { q } : {}) })}`,
        class: s === status ? 'tab active' : 'tab', dataset: { status: s || 'all' },
      }, t(`status_${s || 'all'}`), ' ', h('span', { class: 'count' }, data.counts[s || 'all']))))
      mount(list, data.items.length ? data.items.map(row) : [h('li', { class: 'muted empty' }, t('no_requests'))])
      const pages = Math.max(1, Math.ceil(data.total / data.page_size))
      mount(pager,
        h('button', { type: 'button', disabled: page <= 1, onclick: () => go({ page: String(page - 1) }) }, t('previous')),
        h('span', { id: 'page-label' }, t('page_of', { page, pages })),
        h('button', { type: 'button', disabled: page >= pages, onclick: () => go({ page: String(page + 1) }) }, t('next')))
    } catch {
      mount(list, h('li', { class: 'error' }, t('load_failed'), ' ', h('button', { type: 'button', onclick: load }, t('retry'))))
    }
  }
  // Several live events at once (a catch-up) load once more, not once each.
  let loading = null
  let again = false
  function reload() {
    if (loading) {
      again = true
      return
    }
    loading = load().finally(() => {
      loading = null
      if (again) {
        again = false
        reload()
      }
    })
  }
  const stop = onLive((event, payload) => {
    if (event === 'caught_up' ? payload.request_ids.length > 0
      : ['notification', 'request_status', 'refetch'].includes(event)) reload()
  })
  load()
  return { node: section, stop }
}
