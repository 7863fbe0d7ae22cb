// The private chat page. /chat/{token}: the client, with a chat session minted
// from the link. /chats/{id}: the freelancer, with their dashboard sign-in (signed
// out, they go through sign-in and come straight back).
import { createClient } from '@supabase/supabase-js'
import { api as dashboardApi, request } from '../api.js'
import { SUPABASE_ANON_KEY, SUPABASE_URL } from '../config.js'
import { bdi, mount, quoted } from '../dom.js'
import { dayLabel } from '../format.js'
import { applyLang, getLang } from '../i18n.js'
import { icon } from '../icons.js'
import { supabase as dashboardClient } from '../session.js'
import { ApiError, chatApi, openClientSession } from './api.js'
import { errorText, t, toggleLanguage } from './i18n.js'
import { h, header, messageList, peerPresence } from './view.js'
import './chat.css'

const root = document.getElementById('chat-app')
const state = { chatId: null, summary: null, messages: [], hasMore: false, online: null,
  unseen: 0, typingTimer: null, typingUntil: 0, lastTypingSent: 0, stick: true, fresh: 0,
  chats: null }
let api = null
let channel = null
const wide = () => window.matchMedia('(min-width: 1000px)').matches

function fail(error) {
  const code = error instanceof ApiError ? error.code : 'generic'
  root.replaceChildren(h('main', { className: 'chat-error', role: 'alert', 'data-code': code },
    h('div', { className: 'brand' }, 'خدوم'), h('p', {}, errorText(code))))
}

function notice(error) {
  const code = error instanceof ApiError ? error.code : 'generic'
  const bar = document.getElementById('notice')
  if (!bar) return
  bar.textContent = errorText(code)
  bar.dataset.code = code
  bar.hidden = false
  setTimeout(() => { bar.hidden = true }, 6000)
}

function loadingSkeleton() {
  return h('div', { className: 'chat-skeleton', 'aria-busy': 'true' },
    h('div', { className: 'sk-header' }),
    h('p', { className: 'loading' }, t('loading')),
    ...[0, 1, 2].map((i) => h('div', { className: `sk-bubble ${i % 2 ? 'mine' : ''}` })))
}

async function boot() {
  applyLang()
  document.title = t('title')
  root.replaceChildren(loadingSkeleton())
  const [, kind, ident] = window.location.pathname.split('/')
  let realtimeClient
  if (kind === 'chat' && ident) {
    const session = await openClientSession(decodeURIComponent(ident))
    state.chatId = session.chat_id
    const token = session.access_token
    api = chatApi(async () => token)
    realtimeClient = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, { accessToken: async () => token })
  } else if (kind === 'chats' && ident) {
    const { data } = await dashboardClient.auth.getSession()
    if (!data.session) {
      // Through the dashboard's sign-in, then straight back here.
      window.location.replace(`/?next=${encodeURIComponent(window.location.pathname)}`)
      return
    }
    state.chatId = ident
    api = chatApi(async () => (await dashboardClient.auth.getSession()).data.session?.access_token)
    realtimeClient = dashboardClient
    await realtimeClient.realtime.setAuth(data.session.access_token)
    loadChatList()
  } else {
    throw new ApiError(404, 'unknown_link')
  }
  state.summary = await api.summary(state.chatId)
  const page = await api.messages(state.chatId)
  state.messages = page.messages.reverse()
  state.cursor = state.messages.at(-1)?.created_at || null
  state.hasMore = page.has_more
  render()
  scrollToEnd()
  subscribe(realtimeClient)
  await acknowledge(true)
  if (state.summary.side === 'freelancer') keepViewing()
}

// The freelancer's page says it is open and in view (renewed within the server's
// window), so no «new message» notification is made meanwhile; hidden or gone,
// it says so.
let viewingTimer = null
function keepViewing() {
  let token = null
  const say = async (open) => {
    try {
      token = (await dashboardClient.auth.getSession()).data.session?.access_token || token
      await api.viewing(state.chatId, open)
    } catch {
      // The window runs out on its own (the server's chat_viewing_window).
    }
  }
  const update = () => {
    clearInterval(viewingTimer)
    say(!document.hidden)
    if (!document.hidden) viewingTimer = setInterval(() => say(true), 45000)
  }
  document.addEventListener('visibilitychange', update)
  // Leaving: sent at once with the token at hand (nothing awaited before the
  // request starts; keepalive lets it finish after the page is gone).
  window.addEventListener('pagehide', () => {
    if (token) request(`/chat/${state.chatId}/viewing`, { method: 'POST', json: { open: false }, token, keepalive: true }).catch(() => {})
  })
  update()
}

// The freelancer's other chats, beside the conversation on a wide screen.
async function loadChatList() {
  try {
    const data = await dashboardApi.chats()
    state.chats = data.items
    renderChatList()
  } catch {
    state.chats = []
  }
}

function renderChatList() {
  const aside = document.getElementById('chat-list-pane')
  if (!aside || !state.chats) return
  mount(aside,
    h('h2', {}, t('your_chats')),
    state.chats.length
      ? h('ul', { id: 'chat-list' }, state.chats.map((c) => h('li', { className: c.id === state.chatId ? 'current' : '' },
        h('a', { href: `/chats/${c.id}`, 'aria-current': c.id === state.chatId ? 'page' : null },
          h('span', { className: 'who' }, bdi(c.client_name || '—')),
          h('span', { className: 'when' }, c.last_activity ? dayLabel(c.last_activity) : ''),
          h('span', { className: 'what', dir: 'auto' }, c.last_message || '')))))
      : h('p', { className: 'muted' }, t('no_chats')))
}

// The page is a fixed skeleton whose parts are re-rendered on their own, so a
// message arriving never wipes the draft being typed or jumps the scroll.
function render() {
  const s = state.summary
  const freelancer = s.side === 'freelancer'
  if (!document.getElementById('messages')) {
    root.replaceChildren(
      freelancer ? h('aside', { id: 'chat-list-pane', className: 'chat-list-pane' }) : null,
      h('div', { className: 'conversation', id: 'conversation' },
        h('div', { id: 'header-slot' }),
        h('div', { id: 'notice', className: 'notice', role: 'alert', hidden: true }),
        h('div', { id: 'reconnecting', className: 'banner reconnecting', role: 'status', hidden: true }, t('reconnecting')),
        h('div', { id: 'banner-slot' }),
        h('div', { className: 'messages-wrap' },
          h('section', { id: 'messages', className: 'messages', onscroll: onScroll }),
          h('button', { type: 'button', id: 'new-pill', className: 'new-pill', hidden: true, onclick: () => scrollToEnd(true) },
            icon('arrow-down', { size: 16 }), ' ', h('span', { id: 'new-pill-text' }, t('new_below')))),
        h('div', { id: 'actions-slot' }),
        h('div', { id: 'composer-slot' })))
    root.classList.toggle('with-list', freelancer)
    renderChatList()
  }
  const panel = document.getElementById('request-panel')
  document.getElementById('header-slot').replaceChildren(
    header(s, state.online, () => { toggleLanguage(); root.replaceChildren(); document.title = t('title'); render(); scrollToEnd() },
      { backHref: freelancer ? '/#/chats' : null, wide: panel ? panel.open : wide(), peer: peerState() }))
  // A header drawn anew keeps the other party's typing indicator while it lasts.
  if (state.typingUntil > Date.now()) document.getElementById('typing').hidden = false
  document.getElementById('banner-slot').replaceChildren(
    s.status === 'cancelled'
      ? h('div', { className: 'banner cancelled', id: 'cancelled-banner', role: 'status' },
        t('cancelled_banner'), s.cancel_reason ? [' ', quoted(s.cancel_reason)] : null)
      : '')
  const list = document.getElementById('messages')
  const atEnd = state.stick
  const top = list.scrollTop
  list.replaceChildren(
    h('button', { type: 'button', id: 'older', className: 'older', disabled: !state.hasMore,
      onclick: loadOlder }, state.hasMore ? t('older') : t('no_older')),
    ...messageList(state.messages, s))
  // An image that loads after the first paint grows the list: stay at the newest.
  for (const img of list.querySelectorAll('img')) {
    if (!img.complete) img.addEventListener('load', () => { if (state.stick) scrollToEnd() }, { once: true })
  }
  if (atEnd) scrollToEnd()
  else list.scrollTop = top
  // The actions are drawn again only when what they depend on changes, so a message
  // arriving never closes an open confirmation, the stars chosen or a typed reason.
  const actionsKey = JSON.stringify([s.status, s.side, Boolean(s.delivered_at), s.rating?.rating ?? null, getLang()])
  const actionsSlot = document.getElementById('actions-slot')
  if (actionsSlot.dataset.key !== actionsKey) {
    actionsSlot.dataset.key = actionsKey
    actionsSlot.replaceChildren(actions(s))
  }
  const slot = document.getElementById('composer-slot')
  const open = s.status === 'active'
  if (open && !slot.querySelector('#composer')) slot.replaceChildren(composer())
  if (!open) slot.replaceChildren(h('p', { className: 'closed', id: 'closed' }, t('chat_closed')))
}

function actions(s) {
  const row = h('div', { className: 'actions', id: 'actions' })
  if (s.status === 'active' && s.side === 'freelancer' && !s.delivered_at) {
    row.append(confirmed(t('mark_delivered'), 'deliver', 'package', t('confirm_deliver_q'), t('confirm_deliver_yes'),
      () => api.deliver(state.chatId)))
  }
  if (s.status === 'active' && s.delivered_at) {
    row.append(s.side === 'client'
      ? confirmed(t('confirm_completion'), 'complete', 'accept', t('confirm_complete_q'), t('confirm_complete_yes'),
        () => api.complete(state.chatId))
      : h('span', { className: 'hint' }, t('delivered_note')))
  }
  if (s.status === 'completed' && s.side === 'client') {
    row.append(s.rating ? h('span', { id: 'rated' }, t('rated', { n: s.rating.rating })) : ratingForm())
  }
  if (s.status === 'active') row.append(cancelForm())
  return row
}

// An irreversible step takes two taps: the button, then «yes» in a short question.
function confirmed(label, id, iconName, question, yes, action) {
  const box = h('div', { className: 'confirm-step', id: `${id}-step` })
  const first = h('button', { type: 'button', id, className: 'primary', onclick: () => {
    mount(box, h('div', { className: 'confirm', role: 'group', 'aria-labelledby': `${id}-question` },
      h('p', { id: `${id}-question` }, question),
      h('button', { type: 'button', id: `${id}-confirm`, className: 'primary', onclick: async (event) => {
        event.currentTarget.disabled = true
        try {
          await action()
          state.summary = await api.summary(state.chatId)
          render()
        } catch (error) {
          event.target.disabled = false
          notice(error)
        }
      } }, yes),
      h('button', { type: 'button', id: `${id}-cancel`, className: 'plain', onclick: () => mount(box, first) }, t('not_yet'))))
    box.querySelector(`#${id}-confirm`).focus()
  } }, icon(iconName, { size: 16 }), ' ', label)
  box.append(first)
  return box
}

// Five tappable stars (a radio group: arrows move, space or a tap chooses).
function ratingForm() {
  let chosen = 0
  const value = h('input', { type: 'hidden', name: 'rating', value: '' })
  const stars = [1, 2, 3, 4, 5].map((n) => h('button', { type: 'button', className: 'star', role: 'radio',
    'aria-checked': 'false', 'aria-label': t('star_n', { n }), 'data-value': n, tabindex: n === 1 ? '0' : '-1',
    onclick: () => choose(n),
    onkeydown: (event) => {
      const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key]
      if (!step) return
      event.preventDefault()
      const rtl = document.documentElement.dir === 'rtl' && event.key.startsWith('Arrow') && ['ArrowLeft', 'ArrowRight'].includes(event.key)
      const next = Math.min(5, Math.max(1, (chosen || 1) + (rtl ? -step : step)))
      choose(next)
      stars[next - 1].focus()
    } }, icon('star', { size: 30 })))
  function choose(n) {
    chosen = n
    value.value = String(n)
    stars.forEach((star, i) => {
      star.classList.toggle('on', i < n)
      star.setAttribute('aria-checked', String(i + 1 === n))
      star.tabIndex = i + 1 === n ? 0 : -1
    })
    form.dataset.rating = String(n)
  }
  const form = h('form', { id: 'rating', className: 'rating', onsubmit: async (event) => {
    event.preventDefault()
    if (!chosen) {
      notice(new ApiError(400, 'rate_pick'))
      return
    }
    const data = new FormData(form)
    const submit = form.querySelector('button[type=submit]')
    submit.disabled = true
    try {
      await api.rate(state.chatId, chosen, data.get('comment') || null)
      state.summary = await api.summary(state.chatId)
      render()
    } catch (error) {
      submit.disabled = false
      notice(error)
    }
  } }, h('strong', { id: 'rate-title' }, t('rate_title')),
  h('div', { className: 'stars', role: 'radiogroup', 'aria-labelledby': 'rate-title' }, stars), value,
  h('input', { name: 'comment', placeholder: t('rate_comment'), maxlength: 2000, dir: 'auto' }),
  h('button', { type: 'submit', className: 'primary' }, t('rate_send')))
  return form
}

function cancelForm() {
  const details = h('details', { className: 'cancel', id: 'cancel' },
    h('summary', {}, t('cancel_chat')))
  const form = h('form', { onsubmit: async (event) => {
    event.preventDefault()
    const reason = new FormData(form).get('reason')
    try {
      await api.cancel(state.chatId, String(reason || '').trim())
      state.summary = await api.summary(state.chatId)
      render()
    } catch (error) {
      notice(error)
    }
  } }, h('input', { name: 'reason', required: true, minlength: 3, placeholder: t('cancel_reason'), dir: 'auto' }),
  h('button', { type: 'submit' }, t('cancel_confirm')))
  details.append(form)
  return details
}

function composer() {
  const input = h('textarea', { id: 'text', rows: 1, placeholder: t('placeholder'), maxlength: 4000, dir: 'auto',
    oninput: sendTyping, onkeydown: (event) => {
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit() }
    } })
  const file = h('input', { type: 'file', id: 'file', hidden: true,
    accept: 'image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip,.txt,.csv',
    onchange: async () => {
      const chosen = file.files[0]
      if (!chosen) return
      const label = document.getElementById('upload-state')
      label.hidden = false
      try {
        addMessage(await api.upload(state.chatId, chosen, input.value.trim()))
        input.value = ''
      } catch (error) {
        notice(error)
      } finally {
        label.hidden = true
        file.value = ''
      }
    } })
  const form = h('form', { className: 'composer', id: 'composer', onsubmit: async (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text) return
    const send = form.querySelector('#send')
    send.disabled = true
    try {
      addMessage(await api.send(state.chatId, text))
      input.value = ''
    } catch (error) {
      notice(error)
    } finally {
      send.disabled = false
      input.focus()
    }
  } },
  h('button', { type: 'button', className: 'attach', id: 'attach', title: t('attach'), 'aria-label': t('attach'),
    onclick: () => file.click() }, icon('paperclip', { size: 22 })),
  file, input,
  h('span', { id: 'upload-state', hidden: true }, t('uploading')),
  h('button', { type: 'submit', id: 'send', className: 'send', title: t('send'), 'aria-label': t('send') },
    icon('send', { size: 20 })))
  return form
}

function addMessage(message) {
  if (state.messages.some((m) => m.id === message.id)) return
  state.messages.push(message)
  state.messages.sort((a, b) => a.created_at.localeCompare(b.created_at))
  const mine = message.sender_type === state.summary.side
  if (mine) state.stick = true
  render()
  if (mine) scrollToEnd()
  else if (!state.stick && message.message_type !== 'system') showPill(1)
}

// Broadcasts are hints, never content: anyone on the channel could have sent them
// (the database allows browsers only `typing`). Messages and the chat's state are
// always read back from the chat API, which answers through RLS.
const SIDES = new Set(['client', 'freelancer'])
let refetching = null
let refetchAgain = false

function refetch() {
  if (refetching) {
    refetchAgain = true
    return refetching
  }
  refetching = (async () => {
    do {
      refetchAgain = false
      try {
        await pullLatest()
      } catch (error) {
        notice(error)
      }
    } while (refetchAgain)
    refetching = null
  })()
  return refetching
}

// What arrived after the cursor (the server's clock at the last read), merged by
// id: after a broadcast, and on every join and rejoin (a catch-up after the socket
// was down). A long gap comes in pages.
async function pullLatest() {
  state.summary = await api.summary(state.chatId)
  const fresh = []
  const known = (id) => state.messages.some((m) => m.id === id) || fresh.some((m) => m.id === id)
  for (let round = 0; round < 20; round += 1) {
    const page = await api.since(state.chatId, state.cursor || '2020-01-01T00:00:00Z')
    const novel = page.messages.filter((m) => !known(m.id))
    fresh.push(...novel)
    if (!page.has_more || !novel.length) {
      state.cursor = page.cursor
      break
    }
    state.cursor = page.messages.at(-1).created_at
  }
  if (fresh.length > 1) {
    // Many at once (a catch-up): one render, one pill count.
    state.messages.push(...fresh)
    state.messages.sort((a, b) => a.created_at.localeCompare(b.created_at))
    const shownFromOther = fresh.filter((m) => m.sender_type && m.sender_type !== state.summary.side)
    if (!state.stick && shownFromOther.length) showPill(shownFromOther.length)
  } else if (fresh.length) addMessage(fresh[0])
  render()
  const fromOther = fresh.filter((m) => m.sender_type && m.sender_type !== state.summary.side)
  if (fromOther.length) {
    showTyping(false)
    if (document.hidden) {
      state.unseen += fromOther.length
      document.title = `${t('new_messages', { n: state.unseen })} · ${t('title')}`
    }
    await acknowledge(!document.hidden)
  }
}

async function acknowledge(read) {
  try {
    await (read ? api.read(state.chatId) : api.received(state.chatId))
  } catch (error) {
    notice(error)
  }
}

// The other party: online while their page tracks presence on this chat's
// channel; otherwise last seen when they left, or their last receipt or message.
function peerState() {
  const s = state.summary
  const other = s.side === 'client' ? 'freelancer' : 'client'
  const stamps = [state.peerLeftAt, s[`${other}_last_read_at`], s[`${other}_last_received_at`],
    ...state.messages.filter((m) => m.sender_type === other).slice(-1).map((m) => m.created_at)]
    .filter(Boolean).sort()
  return { online: state.peerOnline, seen: stamps.at(-1) || null }
}

function showPeer() {
  const current = document.getElementById('peer-presence')
  if (current) current.replaceWith(peerPresence(peerState()))
}

function subscribe(client) {
  const side = state.summary.side
  const other = side === 'client' ? 'freelancer' : 'client'
  channel = client.channel(`chat:${state.chatId}`, { config: { private: true, broadcast: { self: false }, presence: { key: side } } })
  channel
    .on('presence', { event: 'sync' }, () => {
      const online = (channel.presenceState()[other] || []).length > 0
      if (state.peerOnline && !online) state.peerLeftAt = new Date().toISOString()
      state.peerOnline = online
      showPeer()
    })
    .on('broadcast', { event: '*' }, ({ event, payload }) => {
      if (event === 'typing') {
        // The only key read from a broadcast, and only one of two known values.
        const side = payload && typeof payload === 'object' ? payload.side : null
        if (SIDES.has(side) && side !== state.summary.side) showTyping(true)
        return
      }
      refetch()
    })
    .subscribe((status) => {
      // Every join and rejoin catches up on what was missed meanwhile.
      if (status === 'SUBSCRIBED') {
        state.wasLive = true
        refetch()
        channel.track({ side, online_at: new Date().toISOString() })
      }
      const banner = document.getElementById('reconnecting')
      if (banner) banner.hidden = !state.wasLive || status === 'SUBSCRIBED'
      // The viewer's own connection: said only when it is lost, never as the
      // other party's presence.
      state.online = status === 'SUBSCRIBED'
      document.body.dataset.realtime = status
      const presence = document.getElementById('presence')
      if (presence) {
        presence.hidden = state.online
        presence.className = state.online ? 'connected' : 'offline'
      }
    })
}

function sendTyping() {
  const now = Date.now()
  if (!channel || now - state.lastTypingSent < 2000) return
  state.lastTypingSent = now
  channel.send({ type: 'broadcast', event: 'typing', payload: { side: state.summary.side } })
}

function showTyping(on) {
  const el = document.getElementById('typing')
  if (!el) return
  el.hidden = !on
  clearTimeout(state.typingTimer)
  state.typingUntil = on ? Date.now() + 4000 : 0
  if (on) {
    state.typingTimer = setTimeout(() => {
      const current = document.getElementById('typing')
      if (current) current.hidden = true
    }, 4000)
  }
}

async function loadOlder() {
  const oldest = state.messages[0]?.created_at
  try {
    const page = await api.messages(state.chatId, oldest)
    const list = document.getElementById('messages')
    const fromBottom = list.scrollHeight - list.scrollTop
    state.messages = [...page.messages.reverse(), ...state.messages]
    state.hasMore = page.has_more
    render()
    list.scrollTop = list.scrollHeight - fromBottom
  } catch (error) {
    notice(error)
  }
}

function nearEnd() {
  const list = document.getElementById('messages')
  return !list || list.scrollHeight - list.scrollTop - list.clientHeight < 80
}

function onScroll() {
  state.stick = nearEnd()
  if (state.stick) hidePill()
}

function showPill(n) {
  state.fresh += n
  const pill = document.getElementById('new-pill')
  if (!pill) return
  document.getElementById('new-pill-text').textContent = `${t('new_below')} (${state.fresh})`
  pill.hidden = false
}

function hidePill() {
  state.fresh = 0
  const pill = document.getElementById('new-pill')
  if (pill) pill.hidden = true
}

function scrollToEnd(smooth = false) {
  const list = document.getElementById('messages')
  if (!list) return
  state.stick = true
  list.scrollTo({ top: list.scrollHeight, behavior: smooth ? 'smooth' : 'instant' })
  hidePill()
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.chatId) {
    state.unseen = 0
    document.title = t('title')
    acknowledge(true)
  }
})

boot().catch(fail)
