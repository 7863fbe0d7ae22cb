// Rendering of the chat page: header, bubbles with ticks and day separators,
// the composer and the completion actions. Pure DOM, no framework.
import { clock, dayKey, dayLabel, fileSize } from './format.js'
import { t } from './i18n.js'

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value)
    else if (key === 'className') el.className = value
    else el.setAttribute(key, value === true ? '' : value)
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

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
    h('span', { className: 'file-icon' }, '📄'),
    h('span', { className: 'file-name' }, message.file_name || t('open_file')),
    h('span', { className: 'file-size' }, fileSize(message.file_size)))
}

export function bubble(message, summary) {
  if (message.message_type === 'system') {
    return h('div', { className: 'system', 'data-id': message.id }, message.message_content)
  }
  const mine = message.sender_type === summary.side
  const state = mine ? tick(message, summary) : null
  const caption = message.file_link && message.message_content === message.file_name
    ? null : message.message_content
  return h('div', { className: `bubble ${mine ? 'mine' : 'theirs'}`, 'data-id': message.id,
    'data-type': message.message_type },
  attachment(message),
  caption ? h('div', { className: 'text' }, caption) : null,
  message.was_masked ? h('div', { className: 'masked-note', title: t('masked_hint') }, t('masked_note')) : null,
  h('div', { className: 'meta' },
    h('time', { datetime: message.created_at }, clock(message.created_at)),
    mine ? h('span', { className: `tick tick-${state}`, 'data-tick': state, title: t(state) },
      state === 'sent' ? '✓' : '✓✓') : null))
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

export function header(summary, online, onToggle) {
  const isClient = summary.side === 'client'
  const f = summary.freelancer || {}
  const name = isClient ? f.display_name : summary.client_name
  const req = summary.request || {}
  return h('header', { className: 'chat-header' },
    h('div', { className: 'who' },
      h('div', { className: 'avatar' }, (name || '؟').trim().charAt(0)),
      h('div', {},
        h('div', { className: 'name', id: 'peer-name' }, name || ''),
        h('div', { className: 'sub' },
          isClient ? `${t('with_freelancer')} · ⭐ ${f.rating ?? ''}/5` : t('with_client'),
          ' · ',
          h('span', { id: 'presence', className: online ? 'online' : 'offline' },
            online ? t('online') : t('offline')),
          h('span', { id: 'typing', hidden: true }, ` · ${t('typing')}`)))),
    h('div', { className: 'header-actions' },
      h('span', { className: `status status-${summary.status}`, id: 'chat-status' },
        t(`status_${summary.status}`)),
      h('button', { type: 'button', className: 'lang', onclick: onToggle }, t('toggle'))),
    h('details', { className: 'request', open: true },
      h('summary', {}, `📋 ${t('request')}`),
      h('p', {}, req.description || ''),
      h('p', {}, `💰 ${t('budget')}: ${req.budget || '—'} · ${t('category')}: `
        + `${(document.documentElement.lang === 'en' ? req.category_en : req.category_ar) || '—'}`),
      h('p', { className: 'secure' }, t('secure'))))
}
