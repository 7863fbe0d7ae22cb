// The dashboard shell: sign-in, the session, the live channel, navigation.
import './style.css'
import { api, whenSessionLost } from './api.js'
import { bdi, h, mount, withoutEmoji } from './dom.js'
import { applyLang, getLang, setLang, t } from './i18n.js'
import { icon } from './icons.js'
import { connectLive, disconnectLive, onLive, refreshLiveToken, startCatchUp } from './live.js'
import { forgetPush, initPush, pushButton } from './push.js'
import { currentSession, signOut, supabase } from './session.js'
import { chatsView } from './views/chats.js'
import { notificationsView } from './views/notifications.js'
import { requestView } from './views/request.js'
import { requestsView } from './views/requests.js'
import { signInView } from './views/signin.js'

const root = document.getElementById('app')
const app = {
  me: null,
  leaving: false,
  unread: 0,
  live: 'CLOSED',
  view: null,
  lang: getLang,
  setUnread(n) {
    app.unread = Math.max(0, n)
    const badge = document.getElementById('unread-badge')
    if (badge) {
      badge.textContent = String(app.unread)
      badge.hidden = app.unread === 0
    }
    document.title = app.unread ? `(${app.unread}) ${t('app_title')}` : t('app_title')
  },
}

function alertNewRequest(payload) {
  const banner = h('div', { class: 'alert', role: 'alert', id: 'live-alert' },
    h('a', { href: payload.request_id ? `#/requests/${payload.request_id}` : '#/notifications' },
      icon('bell-ring', { size: 16 }), ' ',
      t('new_request_alert', { name: withoutEmoji(payload.message?.split(':')[0]) })))
  document.getElementById('live-alert')?.remove()
  document.body.append(banner)
  document.getElementById('unread-badge')?.classList.add('pulse')
  setTimeout(() => banner.remove(), 8000)
}

onLive((event, payload) => {
  if (event === 'notification') {
    const counted = payload.caught_up || document.getElementById('notifications-page')
    if (!counted) app.setUnread(app.unread + (payload.is_read ? 0 : 1))
    if (payload.type === 'client_request' && !payload.is_read) alertNewRequest(payload)
  }
  if (event === 'caught_up') app.setUnread(payload.unread)
})

// A banner while the live channel is down after having been up (the catch-up
// on rejoin then brings what was missed).
function showLiveState(status) {
  if (status === 'SUBSCRIBED') app.wasLive = true
  app.reconnecting = app.wasLive && status !== 'SUBSCRIBED'
  const banner = document.getElementById('reconnecting')
  if (banner) banner.hidden = !app.reconnecting
}

function shell(content) {
  const liveDot = h('span', { class: `live ${app.live === 'SUBSCRIBED' ? 'on' : 'off'}`, id: 'live-state', role: 'status' },
    h('span', { class: 'nav-label' }, app.live === 'SUBSCRIBED' ? t('live_on') : t('live_off')))
  const route = window.location.hash || '#/notifications'
  // One row on a phone: icons with their words beside them on wider screens
  // (on a phone the words stay for screen readers and as tooltips).
  const link = (href, iconName, label, extra) => h('a', { href, title: label, class: route.startsWith(href) ? 'active' : '' },
    icon(iconName), h('span', { class: 'nav-label' }, label), extra)
  return [
    h('header', { class: 'topbar' },
      h('strong', { class: 'brand' }, t('brand')),
      h('nav', {},
        link('#/notifications', 'bell', t('nav_notifications'), h('span', { class: 'badge-count', id: 'unread-badge', hidden: app.unread === 0 }, String(app.unread))),
        link('#/requests', 'details', t('nav_requests')),
        link('#/chats', 'chats', t('nav_chats'))),
      h('span', { class: 'me', id: 'me' }, app.me ? bdi((getLang() === 'en' && app.me.display_name_en) || app.me.display_name) : ''),
      liveDot,
      pushButton(),
      h('button', { type: 'button', id: 'lang-toggle', class: 'link', title: t('toggle'), lang: getLang() === 'ar' ? 'en' : 'ar', onclick: () => { setLang(getLang() === 'ar' ? 'en' : 'ar'); render() } },
        icon('languages'), h('span', { class: 'nav-label' }, t('toggle'))),
      h('button', { type: 'button', id: 'signout', class: 'link', title: t('signout'), onclick: async (event) => { event.currentTarget.disabled = true; app.leaving = true; await forgetPush(); signOut() } },
        icon('log-out'), h('span', { class: 'nav-label' }, t('signout')))),
    h('div', { class: 'reconnecting', id: 'reconnecting', role: 'status', hidden: !app.reconnecting }, t('reconnecting')),
    h('main', {}, content),
  ]
}

function render() {
  app.view?.stop?.()
  app.view = null
  applyLang()
  if (!app.me) return
  const [path, query] = (window.location.hash.replace(/^#/, '') || '/notifications').split('?')
  const params = new URLSearchParams(query || '')
  const parts = path.split('/').filter(Boolean)
  if (parts[0] === 'requests' && parts[1]) app.view = requestView(app, parts[1])
  else if (parts[0] === 'requests') app.view = requestsView(app, params)
  else if (parts[0] === 'chats' && parts[1]) return window.location.replace(`/chats/${parts[1]}`)
  else if (parts[0] === 'chats') app.view = chatsView(app)
  else app.view = notificationsView(app)
  app.firstPage = null // only the first view drawn after sign-in may use it
  mount(root, shell(app.view.node))
  app.setUnread(app.unread)
}

function showSignIn(notice) {
  app.view?.stop?.()
  app.me = null
  app.wasLive = false
  app.reconnecting = false
  app.view = null
  applyLang()
  mount(root, h('header', { class: 'topbar' }, h('strong', { class: 'brand' }, t('brand')),
    h('button', { type: 'button', id: 'lang-toggle', class: 'link', onclick: () => { setLang(getLang() === 'ar' ? 'en' : 'ar'); showSignIn(notice) } },
      icon('languages'), ' ', t('toggle'))),
  h('main', {}, signInView({ notice: notice || (returnTo() ? t('signin_for_chat') : undefined), onSignedIn: enter })))
}

async function enter(session) {
  try {
    // Both reads at once: the first page of notifications is drawn from this
    // answer (the view does not ask again) and sets the catch-up cursor.
    const [{ freelancer, topic }, counts] = await Promise.all([api.me(), api.notifications()])
    app.me = freelancer
    app.unread = counts.unread
    app.firstPage = counts
    startCatchUp(counts.cursor, counts.items)
    if (returnTo()) return window.location.replace(returnTo())
    render()
    // The live channel and push start in the next task, after the first page is
    // drawn (the catch-up on join covers everything since the read above).
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (!app.me) return // signed out meanwhile
    connectLive(topic, session.access_token, (status) => {
      app.live = status
      showLiveState(status)
      document.body.dataset.realtime = status
      const dot = document.getElementById('live-state')
      if (dot) {
        dot.className = `live ${status === 'SUBSCRIBED' ? 'on' : 'off'}`
        dot.replaceChildren(h('span', { class: 'nav-label' }, status === 'SUBSCRIBED' ? t('live_on') : t('live_off')))
      }
    })
    initPush()
  } catch (err) {
    await signOut()
    showSignIn(err.status === 403 ? t('not_freelancer') : t('session_expired'))
  }
}

// A signed-out visit to a chat (/chats/{id}) comes here as /?next=/chats/{id} and
// goes back there once signed in; only that one kind of path is followed.
function returnTo() {
  const next = new URLSearchParams(window.location.search).get('next') || ''
  return /^\/chats\/[0-9a-f-]{36}$/i.test(next) ? next : null
}

let signingOut = false
whenSessionLost(() => {
  if (signingOut) return
  signingOut = true
  signOut().finally(() => { signingOut = false })
})

supabase.auth.onAuthStateChange((event, session) => {
  // Work is deferred: supabase-js asks callbacks not to await its own calls.
  setTimeout(() => {
    if (event === 'TOKEN_REFRESHED' && session) refreshLiveToken(session.access_token)
    if (event === 'SIGNED_OUT') {
      const expired = Boolean(app.me) && !app.leaving
      app.leaving = false
      disconnectLive()
      showSignIn(expired ? t('session_expired') : undefined)
    }
  }, 0)
})

window.addEventListener('hashchange', () => app.me && render())

applyLang()
currentSession().then((session) => (session ? enter(session) : showSignIn()))
