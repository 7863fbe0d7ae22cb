// The activity log for review: filters, pages, and a CSV export of what the
// filters select.
import { h } from '../dom.js'
import { t } from '../i18n.js'
import { adminApi } from './api.js'
import { dateTime } from './format.js'
import { PAGE_SIZE, pager } from './pager.js'

const ACTORS = ['client', 'freelancer', 'system', 'operator']

export function activityView(period) {
  const range = period.range()
  const field = (id, label, input) => h('label', { for: id }, label, input)
  const actor = h('select', { id: 'filter-actor' },
    h('option', { value: '' }, t('actor_any')), ACTORS.map((a) => h('option', { value: a }, t(`actor_${a}`))))
  const action = h('input', { id: 'filter-action', dir: 'ltr', placeholder: 'request.' })
  const request = h('input', { id: 'filter-request', dir: 'ltr' })
  const chat = h('input', { id: 'filter-chat', dir: 'ltr' })
  const from = h('input', { id: 'filter-from', type: 'date', value: range.from })
  const to = h('input', { id: 'filter-to', type: 'date', value: range.to })
  const error = h('p', { class: 'error', role: 'alert', hidden: true })
  const list = h('div', { id: 'activity-list' })
  let offset = 0

  const filters = () => ({
    actor_type: actor.value, action: action.value.trim(), request_id: request.value.trim(),
    chat_id: chat.value.trim(), from: from.value, to: to.value,
  })

  async function load() {
    error.hidden = true
    try {
      const page = await adminApi.activity(filters(), PAGE_SIZE, offset)
      if (!page.items.length) {
        list.replaceChildren(h('p', { class: 'empty', id: 'activity-empty' }, t('empty_activity')))
        return
      }
      list.replaceChildren(
        h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'activity-table' },
          h('thead', {}, h('tr', {}, ['col_time', 'col_actor', 'col_action', 'col_subject', 'col_details'].map((k) => h('th', {}, t(k))))),
          h('tbody', {}, page.items.map((item) => h('tr', { dataset: { action: item.action } },
            h('td', {}, dateTime(item.created_at)),
            h('td', {}, t(`actor_${item.actor_type}`)),
            h('td', { dir: 'ltr' }, item.action),
            h('td', { dir: 'ltr' }, [item.subject_type, item.subject_id].filter(Boolean).join(' ')),
            h('td', { dir: 'auto', class: 'details' }, JSON.stringify(item.details))))))),
        pager(page.total, offset, (next) => { offset = next; load() }))
    } catch (err) {
      error.textContent = err.message
      error.hidden = false
    }
  }

  async function exportCsv() {
    const text = await adminApi.activityCsv(filters())
    const link = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: 'khadum-activity.csv' })
    document.body.append(link)
    link.click()
    link.remove()
  }

  const form = h('form', { class: 'card filters', id: 'activity-filters', onsubmit: (event) => { event.preventDefault(); offset = 0; load() } },
    field('filter-actor', t('filter_actor'), actor), field('filter-action', t('filter_action'), action),
    field('filter-request', t('filter_request'), request), field('filter-chat', t('filter_chat'), chat),
    field('filter-from', t('from'), from), field('filter-to', t('to'), to),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'apply-filters' }, t('apply')),
      h('button', { type: 'button', id: 'export-csv', onclick: exportCsv }, t('export_csv'))))
  const node = h('div', { id: 'activity-page' }, h('h1', {}, t('activity_title')), form, error, list)
  return { node, load }
}
