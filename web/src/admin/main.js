// The operator console: staff sign in (supabase-js), then KPIs, the activity log
// and the review queues; a private Realtime channel `staff` keeps them live.
import '../style.css'
import './admin.css'
import { whenSessionLost } from '../api.js'
import { h, mount } from '../dom.js'
import { applyLang, extend, getLang, setLang, t } from '../i18n.js'
import { currentSession, signOut, supabase } from '../session.js'
import { signInView } from '../views/signin.js'
import { activityView } from './activity.js'
import { adminApi } from './api.js'
import { adminCatalogue } from './catalogue.js'
import { riyadhDay } from './format.js'
import { overviewView } from './overview.js'
import { reviewView } from './review.js'

extend(adminCatalogue)
const root = document.getElementById('app')
const PERIODS = [7, 30, 90, 365]
const state = { staff: null, view: null, live: null, days: Number(sessionStorage.getItem('khadum.admin.days')) || 30 }
const period = {
  get days() { return state.days },
  range: () => ({ from: riyadhDay(state.days - 1), to: riyadhDay(0) }),
}

function setTitle() {
  applyLang()
  document.title = t('admin_title')
}

function langButton(again) {
  return h('button', { type: 'button', id: 'lang-toggle', class: 'link', onclick: () => { setLang(getLang() === 'ar' ? 'en' : 'ar'); again() } }, t('toggle'))
}

function shell(content) {
  const route = window.location.hash || '#/'
  const link = (href, label) => h('a', { href, class: (href === '#/' ? route === '#/' : route.startsWith(href)) ? 'active' : '' }, label)
  const periodSelect = h('select', { id: 'period', 'aria-label': t('period'), onchange: (e) => {
    state.days = Number(e.target.value)
    sessionStorage.setItem('khadum.admin.days', String(state.days))
    render()
  } }, PERIODS.map((d) => h('option', { value: d, selected: d === state.days }, t(`period_${d}`))))
  return [
    h('header', { class: 'topbar' },
      h('strong', { class: 'brand' }, t('admin_brand')),
      h('nav', {}, link('#/', t('nav_overview')), link('#/activity', t('nav_activity')), link('#/review', t('nav_review'))),
      periodSelect,
      h('span', { class: `live ${state.live === 'SUBSCRIBED' ? 'on' : 'off'}`, id: 'live-state' }, t('live_staff')),
      langButton(render),
      h('button', { type: 'button', id: 'signout', class: 'link', onclick: () => signOut() }, t('signout'))),
    h('main', { class: 'wide' }, content),
  ]
}

async function render() {
  state.view?.stop?.()
  setTitle()
  const parts = (window.location.hash.replace(/^#\/?/, '') || '').split('/').filter(Boolean)
  if (parts[0] === 'activity') state.view = activityView(period)
  else if (parts[0] === 'review') state.view = reviewView(parts[1] || 'masked')
  else state.view = overviewView(period)
  const view = state.view
  mount(root, shell(view.node))
  try {
    await view.load()
  } catch (err) {
    if (state.view !== view) return
    view.node.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('load_failed')),
      h('button', { type: 'button', onclick: render }, t('retry')))
    console.warn(err)
  }
}

let reloadTimer = null
function connectStaffChannel(token) {
  supabase.realtime.setAuth(token)
  state.channel = supabase.channel('staff', { config: { private: true } })
  state.channel.on('broadcast', { event: 'activity' }, () => {
    // A burst of events gives one refetch.
    clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => state.view?.load?.().catch(() => {}), 800)
  })
  state.channel.subscribe((status) => {
    state.live = status
    document.body.dataset.realtime = status
    const dot = document.getElementById('live-state')
    if (dot) dot.className = `live ${status === 'SUBSCRIBED' ? 'on' : 'off'}`
  })
}

function showSignIn(notice) {
  setTitle()
  mount(root, h('header', { class: 'topbar' }, h('strong', { class: 'brand' }, t('admin_brand')), langButton(() => showSignIn(notice))),
    h('main', {}, signInView({ notice, onSignedIn: enter })))
}

function showRefused() {
  setTitle()
  mount(root, h('header', { class: 'topbar' }, h('strong', { class: 'brand' }, t('admin_brand'))),
    h('main', {}, h('section', { class: 'card refused', id: 'staff-only', role: 'alert' },
      h('p', {}, t('staff_only')),
      h('button', { type: 'button', class: 'primary', onclick: () => signOut() }, t('signout')))))
}

async function enter(session) {
  try {
    state.staff = await adminApi.me()
  } catch (err) {
    if (err.status === 403) return showRefused()
    await signOut()
    return showSignIn(t('session_expired'))
  }
  connectStaffChannel(session.access_token)
  render()
}

whenSessionLost(() => signOut())
supabase.auth.onAuthStateChange((event, session) => {
  setTimeout(() => {
    if (event === 'TOKEN_REFRESHED' && session) supabase.realtime.setAuth(session.access_token)
    if (event === 'SIGNED_OUT') {
      state.staff = null
      if (state.channel) supabase.removeChannel(state.channel)
      showSignIn()
    }
  }, 0)
})
window.addEventListener('hashchange', () => state.staff && render())

setTitle()
currentSession().then((session) => (session ? enter(session) : showSignIn()))
