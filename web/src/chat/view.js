// Rendering of the chat page: header, bubbles with ticks and day separators.
// The shared DOM helper, formats and icons; pure DOM, no framework.
import { bdi, h } from '../dom.js'
import { clock, dayKey, dayLabel, fileSize, number } from '../format.js'
import { getLang } from '../i18n.js'
import { icon } from '../icons.js'
import { t } from './i18n.js'

export { h }

export function tick(message, summary) {
  const other = summary.side === 'client' ? 'freelancer' : 'client'
  const read = summary[`${other}_last_read_at`]
  const received = summary[`${other}_last_received_at`]
  const at = new Date(message.created_at).getTime()
  if (read && new Date(read).getTime() >= at) return 'read'
  if (received && new Date(received).getTime() >= at) return 'received'
  return 'sent'
}

function attachment(message) {
  if (!message.file_link) return null
  if (message.message_type === 'image') {
    return h('a', { href: message.file_link, target: '_blank', rel: 'noopener', className: 'preview' },
      h('img', { src: message.file_link, alt: message.file_name || '', loading: 'lazy' }))
  }
  return h('a', { href: message.file_link, target: '_blank', rel: 'noopener', className: 'file' },
    icon('file', { size: 22, className: 'file-icon' }),
    h('bdi', { className: 'file-name', dir: 'auto' }, message.file_name || t('open_file')),
    h('span', { className: 'file-size' }, fileSize(message.file_size)))
}

export function bubble(message, summary) {
  if (message.message_type === 'system') {
    return h('div', { className: 'system', 'data-id': message.id, dir: 'auto' }, message.message_content)
  }
  const mine = message.sender_type === summary.side
  const state = mine ? tick(message, summary) : null
  const caption = message.file_link && message.message_content === message.file_name
    ? null : message.message_content
  return h('div', { className: `bubble ${mine ? 'mine' : 'theirs'}`, 'data-id': message.id,
    'data-type': message.message_type },
  attachment(message),
  caption ? h('div', { className: 'text', dir: 'auto' }, caption) : null,
  message.was_masked ? h('div', { className: 'masked-note', title: t('masked_hint') },
    icon('lock', { size: 12 }), ' ', t('masked_note')) : null,
  h('div', { className: 'meta' },
    h('time', { datetime: message.created_at }, clock(message.created_at)),
    mine ? h('span', { className: `tick tick-${state}`, 'data-tick': state, title: t(state), 'aria-label': t(state) },
      icon(state === 'sent' ? 'check' : 'check-check', { size: 14 })) : null))
}

export function messageList(messages, summary) {
  const nodes = []
  let lastDay = null
  for (const message of messages) {
    const key = dayKey(message.created_at)
    if (key !== lastDay) {
      nodes.push(h('div', { className: 'day' }, h('span', {}, dayLabel(message.created_at))))
      lastDay = key
    }
    nodes.push(bubble(message, summary))
  }
  return nodes
}

// The header: who the other party is, the state of the chat, and the request
// (folded on a phone). No «online» for the other party: this page cannot know it,
// so it says nothing rather than guess; only the viewer's own lost connection shows.
// The other party's presence (Realtime Presence on the chat's channel): online
// now, or when they were last seen; never the viewer's own connection.
export function peerPresence(peer) {
  const text = peer.online ? t('peer_online')
    : peer.seen ? t('peer_seen', { when: `${dayLabel(peer.seen)} ${clock(peer.seen)}` }) : ''
  return h('span', { id: 'peer-presence', className: peer.online ? 'peer-online' : 'peer-away',
    'data-online': String(Boolean(peer.online)), hidden: !text }, text ? [' · ', text] : null)
}

export function header(summary, online, onToggle, { backHref = null, wide = false, peer = {} } = {}) {
  const isClient = summary.side === 'client'
  const f = summary.freelancer || {}
  const name = isClient ? f.display_name : summary.client_name
  const req = summary.request || {}
  const category = (getLang() === 'en' ? req.category_en : req.category_ar) || '—'
  return h('header', { className: 'chat-header' },
    h('div', { className: 'bar' },
      backHref ? h('a', { href: backHref, className: 'back', id: 'back', title: t('back_to_chats'), 'aria-label': t('back_to_chats') },
        icon(getLang() === 'ar' ? 'arrow-right' : 'arrow-left', { size: 22 })) : null,
      h('div', { className: 'avatar', 'aria-hidden': 'true' }, (name || '؟').trim().charAt(0)),
      h('div', { className: 'who' },
        h('div', { className: 'name' }, h('bdi', { id: 'peer-name', dir: 'auto' }, name || '')),
        h('div', { className: 'sub' },
          isClient
            ? [t('with_freelancer'), ' · ', icon('star', { size: 12, className: 'star-icon' }), ' ',
                f.rating != null ? `${number(f.rating)}/${number(5)}` : '—']
            : t('with_client'),
          peerPresence(peer),
          h('span', { id: 'presence', className: online === false ? 'offline' : 'connected', hidden: online !== false },
            ' · ', t('offline')),
          h('span', { id: 'typing', hidden: true }, ` · ${t('typing')}`))),
      h('span', { className: `status status-${summary.status}`, id: 'chat-status' }, t(`status_${summary.status}`)),
      h('button', { type: 'button', className: 'lang', id: 'lang-toggle', onclick: onToggle, title: t('toggle') },
        icon('languages', { size: 16 }), h('span', { className: 'lang-label' }, t('toggle')))),
    h('details', { className: 'request', id: 'request-panel', open: wide },
      h('summary', {}, icon('details', { size: 14 }), ' ', t('request'),
        req.title ? [' · ', bdi(req.title)] : null),
      h('p', { dir: 'auto' }, req.description || ''),
      h('p', {}, icon('wallet', { size: 14 }), ' ', `${t('budget')}: `, bdi(req.budget || '—'),
        ` · ${t('category')}: `, bdi(category)),
      h('p', { className: 'secure' }, icon('lock', { size: 12 }), ' ', t('secure'))))
}
