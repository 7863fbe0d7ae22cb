import { api } from '../api.js'
import { h, mount, skeleton, withoutEmoji } from '../dom.js'
import { riyadhDateTime } from '../format.js'
import { t } from '../i18n.js'
import { icon } from '../icons.js'
import { onLive } from '../live.js'

export function notificationsView(app) {
  const list = h('ul', { class: 'notifications', id: 'notification-list' })
  const unread = h('span', { class: 'pill', id: 'unread-count' })
  const markAll = h('button', { type: 'button', id: 'mark-all-read', onclick: async () => {
    markAll.disabled = true
    try {
      const result = await api.markRead(null)
      for (const item of list.querySelectorAll('.unread')) item.classList.remove('unread')
      setUnread(result.unread)
    } finally {
      markAll.disabled = false
    }
  } }, t('mark_all_read'))
  const section = h('section', { class: 'page', id: 'notifications-page' },
    h('header', { class: 'page-head' }, h('h1', {}, t('notifications_title')), unread, markAll),
    list)

  function setUnread(n) {
    unread.textContent = t('unread_count', { n })
    app.setUnread(n)
  }

  // A live notification carries its English text beside the Arabic; a fetched
  // one comes in the viewer's language already.
  const inLang = (n, key) => (app.lang() === 'en' && n[`${key}_en`]) || n[key]
  function item(n, fresh = false) {
    const read = async () => {
      if (!li.classList.contains('unread')) return
      li.classList.remove('unread')
      const result = await api.markRead([n.id])
      setUnread(result.unread)
    }
    const li = h('li', { class: `notification${n.is_read ? '' : ' unread'}${fresh ? ' fresh' : ''}`, dataset: { id: n.id, request: n.request_id || '' } },
      h('div', { class: 'title' }, icon(n.type === 'client_request' ? 'bell-ring' : n.type === 'chat_message' ? 'chat' : 'bell', { size: 16 }),
        ' ', h('bdi', { dir: 'auto' }, withoutEmoji(inLang(n, 'title')))),
      h('div', { class: 'message', dir: 'auto' }, withoutEmoji(inLang(n, 'message'))),
      h('div', { class: 'meta' },
        h('time', { datetime: n.created_at }, riyadhDateTime(n.created_at)),
        n.type === 'chat_message' && n.chat_id
          ? h('a', { href: `/chats/${n.chat_id}`, class: 'view', onclick: read }, t('open_chat_short'))
          : n.request_id ? h('a', { href: `#/requests/${n.request_id}`, class: 'view', onclick: read }, t('view_request')) : null,
        h('button', { type: 'button', class: 'link mark-read', onclick: read }, t('mark_read'))))
    return li
  }

  // A reload keeps what is shown until the new answer arrives (no flash of the
  // skeleton); the first draw after sign-in uses the page the shell just read.
  async function load() {
    if (!list.querySelector('li.notification')) mount(list, skeleton(4))
    try {
      const first = app.firstPage
      app.firstPage = null
      const data = first || await api.notifications()
      mount(list, data.items.length ? data.items.map((n) => item(n)) : [h('li', { class: 'muted empty' }, t('no_notifications'))])
      setUnread(data.unread)
    } catch {
      mount(list, h('li', { class: 'error' }, t('load_failed'), ' ', h('button', { type: 'button', onclick: load }, t('retry'))))
    }
  }

  const shown = (id) => [...list.querySelectorAll('li.notification')].find((li) => li.dataset.id === id)
  const stop = onLive((event, payload) => {
    if (event === 'notification') {
      if (shown(payload.id)) return // merged by id: a catch-up never doubles an item
      list.querySelector('.empty')?.remove()
      list.prepend(item(payload, true))
      if (!payload.caught_up) setUnread(app.unread + (payload.is_read ? 0 : 1))
    } else if (event === 'notification_updated') {
      if (payload.is_read) shown(payload.id)?.classList.remove('unread')
    } else if (event === 'caught_up') {
      setUnread(payload.unread)
    } else if (event === 'refetch') {
      load()
    }
  })
  load()
  return { node: section, stop }
}
