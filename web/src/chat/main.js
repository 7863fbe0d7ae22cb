// The private chat page. /chat/{token}: the client, with a chat session minted
// from the link. /chats/{id}: the freelancer, with their dashboard sign-in.
import { createClient } from '@supabase/supabase-js'
import { SUPABASE_ANON_KEY, SUPABASE_URL } from '../config.js'
import { supabase as dashboardClient } from '../session.js'
import { ApiError, chatApi, openClientSession } from './api.js'
import { errorText, t, toggleLanguage } from './i18n.js'
import { h, header, messageList } from './view.js'
import './chat.css'

const root = document.getElementById('chat-app')
const state = { chatId: null, summary: null, messages: [], hasMore: false, online: false,
  unseen: 0, typingTimer: null, typingUntil: 0, lastTypingSent: 0 }
let api = null
let channel = null

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

async function boot() {
  document.title = t('title')
  root.replaceChildren(h('p', { className: 'loading' }, t('loading')))
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
    if (!data.session) throw new ApiError(401, 'signin_needed')
    state.chatId = ident
    api = chatApi(async () => (await dashboardClient.auth.getSession()).data.session?.access_token)
    realtimeClient = dashboardClient
    await realtimeClient.realtime.setAuth(data.session.access_token)
  } else {
    throw new ApiError(404, 'unknown_link')
  }
  state.summary = await api.summary(state.chatId)
  const page = await api.messages(state.chatId)
  state.messages = page.messages.reverse()
  state.hasMore = page.has_more
  render()
  scrollToEnd()
  subscribe(realtimeClient)
  await acknowledge(true)
}

// The page is a fixed skeleton whose parts are re-rendered on their own, so a
// message arriving never wipes the draft being typed or jumps the scroll.
function render() {
  const s = state.summary
  if (!document.getElementById('messages')) {
    root.replaceChildren(
      h('div', { id: 'header-slot' }),
      h('div', { id: 'notice', className: 'notice', role: 'alert', hidden: true }),
      h('section', { id: 'messages', className: 'messages' }),
      h('div', { id: 'actions-slot' }),
      h('div', { id: 'composer-slot' }))
  }
  document.getElementById('header-slot').replaceChildren(
    header(s, state.online, () => { toggleLanguage(); root.replaceChildren(); render() }))
  // A header drawn anew keeps the other party's typing indicator while it lasts.
  if (state.typingUntil > Date.now()) document.getElementById('typing').hidden = false
  const list = document.getElementById('messages')
  const atEnd = nearEnd()
  const top = list.scrollTop
  list.replaceChildren(
    h('button', { type: 'button', id: 'older', className: 'older', disabled: !state.hasMore,
      onclick: loadOlder }, state.hasMore ? t('older') : t('no_older')),
    ...messageList(state.messages, s))
  list.scrollTop = atEnd ? list.scrollHeight : top
  document.getElementById('actions-slot').replaceChildren(actions(s))
  const slot = document.getElementById('composer-slot')
  const open = s.status === 'active'
  if (open && !slot.querySelector('#composer')) slot.replaceChildren(composer())
  if (!open) slot.replaceChildren(h('p', { className: 'closed', id: 'closed' }, t('chat_closed')))
}

function actions(s) {
  const row = h('div', { className: 'actions', id: 'actions' })
  if (s.status === 'active' && s.side === 'freelancer' && !s.delivered_at) {
    row.append(button(t('mark_delivered'), 'deliver', () => api.deliver(state.chatId)))
  }
  if (s.status === 'active' && s.delivered_at) {
    row.append(s.side === 'client'
      ? button(t('confirm_completion'), 'complete', () => api.complete(state.chatId))
      : h('span', { className: 'hint' }, t('delivered_note')))
  }
  if (s.status === 'completed' && s.side === 'client') {
    row.append(s.rating ? h('span', { id: 'rated' }, t('rated', { n: s.rating.rating })) : ratingForm())
  }
  if (s.status === 'active') row.append(cancelForm())
  return row
}

function button(label, id, action) {
  return h('button', { type: 'button', id, className: 'primary', onclick: async (event) => {
    event.target.disabled = true
    try {
      await action()
      state.summary = await api.summary(state.chatId)
      render()
    } catch (error) {
      event.target.disabled = false
      notice(error)
    }
  } }, label)
}

function ratingForm() {
  const form = h('form', { id: 'rating', className: 'rating', onsubmit: async (event) => {
    event.preventDefault()
    const data = new FormData(form)
    const submit = form.querySelector('button')
    submit.disabled = true
    try {
      await api.rate(state.chatId, Number(data.get('rating')), data.get('comment') || null)
      state.summary = await api.summary(state.chatId)
      render()
    } catch (error) {
      submit.disabled = false
      notice(error)
    }
  } }, h('strong', {}, t('rate_title')),
  h('div', { className: 'stars' }, [5, 4, 3, 2, 1].map((n) => h('label', {},
    h('input', { type: 'radio', name: 'rating', value: n, required: true }), `${n}★`))),
  h('input', { name: 'comment', placeholder: t('rate_comment'), maxlength: 2000 }),
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
  } }, h('input', { name: 'reason', required: true, minlength: 3, placeholder: t('cancel_reason') }),
  h('button', { type: 'submit' }, t('cancel_confirm')))
  details.append(form)
  return details
}

function composer() {
  const input = h('textarea', { id: 'text', rows: 1, placeholder: t('placeholder'), maxlength: 4000,
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
  h('button', { type: 'button', className: 'attach', title: t('attach'), 'aria-label': t('attach'),
    onclick: () => file.click() }, '📎'),
  file, input,
  h('span', { id: 'upload-state', hidden: true }, t('uploading')),
  h('button', { type: 'submit', id: 'send', className: 'send', 'aria-label': t('send') }, '➤'))
  return form
}

function addMessage(message) {
  if (state.messages.some((m) => m.id === message.id)) return
  state.messages.push(message)
  state.messages.sort((a, b) => a.created_at.localeCompare(b.created_at))
  render()
  if (message.sender_type === state.summary.side) scrollToEnd()
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

async function pullLatest() {
  const [summary, page] = await Promise.all([api.summary(state.chatId), api.messages(state.chatId)])
  state.summary = summary
  const fresh = page.messages.filter((m) => !state.messages.some((known) => known.id === m.id))
  for (const message of fresh.reverse()) addMessage(message)
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

function subscribe(client) {
  channel = client.channel(`chat:${state.chatId}`, { config: { private: true, broadcast: { self: false } } })
  channel
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
      state.online = status === 'SUBSCRIBED'
      const presence = document.getElementById('presence')
      if (presence) {
        presence.textContent = state.online ? t('online') : t('offline')
        presence.className = state.online ? 'online' : 'offline'
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
  return !list || list.scrollHeight - list.scrollTop - list.clientHeight < 120
}

function scrollToEnd() {
  const list = document.getElementById('messages')
  if (list) list.scrollTop = list.scrollHeight
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.chatId) {
    state.unseen = 0
    document.title = t('title')
    acknowledge(true)
  }
})

boot().catch(fail)
