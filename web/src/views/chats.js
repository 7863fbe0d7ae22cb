import { api } from '../api.js'
import { bdi, h, mount, skeleton } from '../dom.js'
import { riyadhDateTime } from '../format.js'
import { t } from '../i18n.js'

function chatRow(c) {
  return h('li', { class: 'chat', dataset: { id: c.id } },
    h('a', { href: `/chats/${c.id}` },
      h('span', { class: 'who' }, bdi(c.client_name || t('none'))),
      h('span', { class: `badge ${c.status}` }, t(`chat_status_${c.status}`)),
      h('span', { class: 'what', dir: 'auto' }, c.last_message || t('no_messages')),
      h('span', { class: 'meta' }, `${t('last_activity')}: `, h('time', { datetime: c.last_activity }, riyadhDateTime(c.last_activity)))))
}

export function chatsView() {
  const list = h('ul', { class: 'chats', id: 'chat-list' }, skeleton(3))
  api.chats()
    .then((data) => mount(list, data.items.length ? data.items.map(chatRow) : [h('li', { class: 'muted empty' }, t('no_chats'))]))
    .catch(() => mount(list, h('li', { class: 'error' }, t('load_failed'))))
  return { node: h('section', { class: 'page', id: 'chats-page' }, h('header', { class: 'page-head' }, h('h1', {}, t('chats_title'))), list) }
}
