// The review queues: masked messages (with what came before), stuck WhatsApp
// messages (retry), failed emails (resend), and requests about to expire unopened.
import { h } from '../dom.js'
import { t } from '../i18n.js'
import { adminApi } from './api.js'
import { dateTime, number } from './format.js'
import { PAGE_SIZE, pager } from './pager.js'

const QUEUES = {
  masked: { path: 'masked', title: 'review_masked', empty: 'empty_masked' },
  flagged: { path: 'flagged', title: 'review_flagged', empty: 'empty_flagged' },
  dead: { path: 'dead-letters', title: 'review_dead', empty: 'empty_dead' },
  emails: { path: 'emails/failed', title: 'review_emails', empty: 'empty_emails' },
  expiring: { path: 'expiring', title: 'review_expiring', empty: 'empty_expiring' },
}

function actionButton(label, doneLabel, act) {
  const button = h('button', { type: 'button', class: 'primary' }, t(label))
  const note = h('span', { class: 'note', role: 'status' })
  button.addEventListener('click', async () => {
    if (button.disabled) return
    button.disabled = true
    try {
      await act()
      note.textContent = t(doneLabel)
      note.className = 'note success'
    } catch (err) {
      note.textContent = t('action_failed', { message: err.message })
      note.className = 'note error'
      button.disabled = false
    }
  })
  return [button, note]
}

const render = {
  masked: (item) => h('li', { class: 'card item', dataset: { id: item.id } },
    h('p', { class: 'meta' }, dateTime(item.created_at), ' · ', t(`actor_${item.sender_type}`)),
    h('p', { dir: 'auto' }, item.message_content),
    item.context.length ? h('details', {}, h('summary', {}, t('context_before')),
      h('ul', {}, item.context.map((c) => h('li', { dir: 'auto' }, `${t(`actor_${c.sender_type}`)}: ${c.message_content}`)))) : null),
  flagged: (item) => h('li', { class: 'card item', dataset: { id: item.id } },
    h('p', { class: 'meta' }, dateTime(item.created_at), ' · ', t(`actor_${item.sender_type}`), ' · ', t(`flag_${item.reason}`)),
    h('p', { dir: 'auto' }, item.message_content || ''),
    h('div', { class: 'row' },
      ...actionButton('flag_dismiss', 'flag_done', () => adminApi.reviewFlag(item.id, 'dismissed')),
      ...actionButton('flag_confirm', 'flag_done', () => adminApi.reviewFlag(item.id, 'confirmed')))),
  dead: (item) => h('li', { class: 'card item', dataset: { id: item.id } },
    h('p', { class: 'meta' }, dateTime(item.received_at), ' · ', h('bdi', { dir: 'ltr' }, item.client_phone), ' · ', item.message_type,
      ' · ', t('attempts', { n: number(item.attempts) })),
    h('p', { class: 'error', dir: 'ltr' }, item.last_error || ''),
    h('div', { class: 'row' }, ...actionButton('retry', 'retried', () => adminApi.retryDeadLetter(item.id)))),
  emails: (item) => h('li', { class: 'card item', dataset: { id: item.id } },
    h('p', { class: 'meta' }, dateTime(item.created_at), ' · ', h('bdi', { dir: 'ltr' }, item.to_email), ' · ',
      h('span', { class: `badge ${item.status}` }, t(`status_${item.status}`))),
    h('p', { dir: 'auto' }, item.subject || item.template),
    h('p', { class: 'error', dir: 'auto' }, item.last_error || item.last_event || ''),
    h('div', { class: 'row' }, ...actionButton('resend', 'resent', () => adminApi.resendEmail(item.id)))),
  expiring: (item) => h('li', { class: 'card item', dataset: { id: item.id } },
    h('p', {}, h('bdi', {}, item.display_name), ' · ', item.service_category || ''),
    h('p', { class: 'meta' }, t('expires_at', { when: dateTime(item.expires_at) }))),
}

export function reviewView(name) {
  const queue = QUEUES[name] ? name : 'masked'
  const spec = QUEUES[queue]
  const list = h('div', { id: 'review-list' }, h('p', { class: 'muted' }, t('loading')))
  let offset = 0
  async function load() {
    const page = await adminApi.queue(spec.path, PAGE_SIZE, offset)
    if (!page.items.length) {
      list.replaceChildren(h('p', { class: 'empty', id: 'review-empty' }, t(spec.empty)))
      return
    }
    list.replaceChildren(h('ul', { class: 'queue' }, page.items.map(render[queue])),
      pager(page.total, offset, (next) => { offset = next; load() }))
  }
  const tabs = h('nav', { class: 'tabs' }, Object.entries(QUEUES).map(([key, q]) =>
    h('a', { href: `#/review/${key}`, class: `tab ${key === queue ? 'active' : ''}`, id: `tab-${key}` }, t(q.title))))
  const node = h('div', { id: 'review-page', dataset: { queue } }, tabs, h('h1', {}, t(spec.title)), list)
  return { node, load }
}
