import { api } from '../api.js'
import { bdi, h, mount, quoted, skeleton } from '../dom.js'
import { number, remaining, riyadhDateTime } from '../format.js'
import { has, t } from '../i18n.js'
import { icon } from '../icons.js'
import { onLive } from '../live.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// The client's own extra details as they wrote them, then what the analysis
// found as labelled lines (audience, budget, skills, language); nothing internal.
function budgetText(budget, lang) {
  if (!budget || typeof budget !== 'object') return null
  const unit = t('sar')
  const { min, max } = budget
  if (min != null && max != null && min !== max) return `${number(min)}-${number(max)} ${unit}`
  if (min == null && max != null) return t('up_to', { amount: `${number(max)} ${unit}` })
  const amount = max ?? min
  return amount == null ? null : `${number(amount)} ${unit}`
}

function extraDetails(details, lang) {
  if (!details || typeof details !== 'object') return t('none')
  const parts = []
  if (details.extras) parts.push(h('p', { class: 'client-words', id: 'details-extras', dir: 'auto' }, String(details.extras)))
  const labelled = [
    ['audience', t('audience'), details.audience],
    ['budget', t('budget_label'), budgetText(details.budget, lang)],
    ['skills', t('skills'), Array.isArray(details.skills) && details.skills.length ? details.skills.join(t('list_joiner')) : null],
    ['language', t('client_language'), details.language ? t(`lang_${details.language}`) : null],
  ].filter(([, , value]) => value)
  if (labelled.length) {
    parts.push(h('ul', { class: 'labelled' }, labelled.map(([id, label, value]) =>
      h('li', { id: `details-${id}` }, h('span', { class: 'label' }, `${label}: `), bdi(String(value))))))
  }
  return parts.length ? parts : t('none')
}

// One line of the card: an icon, the label, the value (direction-isolated: a value
// is whatever the client typed, Arabic or not).
const FIELD_ICONS = {
  client_name: 'user', whatsapp: 'phone', email: 'mail', title: 'pin', description: 'file',
  category: 'tag', budget: 'wallet', datetime: 'clock', reason: 'target', details: 'details',
}
function field(id, label, value, attrs = {}) {
  return h('div', { class: 'field', id: `field-${id}` },
    h('dt', {}, icon(FIELD_ICONS[id] || 'pin', { size: 16 }), ' ', label),
    h('dd', attrs, typeof value === 'string' && value ? bdi(value) : value || t('none')))
}

function errorText(err) {
  // A malformed id is answered 404 or 422 by the API: both mean "no such request".
  if (err.status === 404 || err.status === 422) return t('err_request_not_found')
  const key = `err_${err.code}`
  return has(key) ? t(key) : t('err_generic')
}

function notFound(section) {
  mount(section,
    h('div', { class: 'card empty-state', id: 'not-found' },
      h('p', { class: 'error', role: 'alert' }, t('err_request_not_found')),
      h('p', { class: 'muted' }, t('not_found')),
      h('a', { href: '#/requests', class: 'button primary' }, t('back_to_requests'))))
}

export function requestView(app, requestId) {
  const section = h('section', { class: 'page', id: 'request-page' },
    h('div', { class: 'card' }, skeleton(5, 'div')))
  let ticker = null
  let expiryReloaded = false
  // The outcome of the last action (sent, refused, failed) belongs to the view, not
  // to one rendering: a live reload that lands just after it must show it too.
  let outcome = null
  if (!UUID.test(requestId)) {
    notFound(section)
    return { node: section, stop: () => {} }
  }

  function render(detail) {
    const r = detail.request
    const state = r.effective_status
    const countdown = h('p', { class: 'countdown', id: 'countdown' })
    const message = h('p', { class: 'result', id: 'action-result', role: 'status', hidden: true })
    const show = (result) => {
      outcome = result
      message.className = result ? `result ${result.kind}` : 'result'
      message.textContent = result ? result.text : ''
      message.hidden = !result
    }
    show(outcome)
    const actions = h('div', { class: 'actions', id: 'actions' })
    const tick = () => {
      const left = remaining(r.expires_at)
      if (state !== 'pending') countdown.hidden = true
      else if (left) countdown.textContent = t('expires_in', { time: left })
      else {
        countdown.textContent = t('expired_now')
        clearInterval(ticker)
        mount(actions, h('p', { class: 'closed', id: 'closed-reason' }, t('state_expired')))
        if (!expiryReloaded) {
          expiryReloaded = true
          reload() // the server now says expired: the title and badge follow
        }
      }
    }

    function busy(on, button) {
      for (const b of actions.querySelectorAll('button')) b.disabled = on
      const label = button?.querySelector('.label') || button
      if (label) label.textContent = on ? t('sending') : button.dataset.label
      actions.classList.toggle('pending', on)
    }

    async function send(action, text, button) {
      if (actions.classList.contains('pending')) return // no double submission
      busy(true, button)
      show(null)
      try {
        const result = await api.respond(r.id, action, text)
        if (action === 'accept') {
          mount(actions, h('p', { class: 'success' }, t('accepted_ok')),
            h('a', { href: `/chats/${result.chat_id}`, class: 'primary button', id: 'chat-link' }, t('open_chat')))
        } else show({ kind: 'success', text: t(action === 'reject' ? 'rejected_ok' : 'asked_ok') })
        await load(false, action === 'accept' ? actions : null)
      } catch (err) {
        show({ kind: 'error', text: errorText(err) })
        busy(false, button)
        if (err.status === 409) await load(false)
      }
    }

    const button = (id, label, onclick, cls = '', iconName = null) =>
      h('button', { type: 'button', id, class: cls, dataset: { label }, onclick },
        iconName ? icon(iconName, { size: 16 }) : null, h('span', { class: 'label' }, label))
    const form = (id, label, required, submitLabel, action) => {
      const input = h('textarea', { id: `${id}-text`, maxlength: 1000, rows: 3, required, dir: 'auto' })
      const submit = button(`${id}-submit`, submitLabel, () => {
        const text = input.value.trim()
        if (required && !text) {
          show({ kind: 'error', text: t('question_required') })
          return
        }
        send(action, text, submit)
      }, 'primary')
      return h('div', { class: 'inline-form', id }, h('label', { for: `${id}-text` }, label), input,
        h('div', { class: 'row' }, submit, button(`${id}-cancel`, t('cancel'), () => showButtons())))
    }
    function showButtons() {
      mount(actions,
        button('accept', t('accept'), (e) => send('accept', null, e.currentTarget), 'primary', 'accept'),
        button('reject', t('reject'), () => mount(actions, form('reject-form', t('reject_reason'), false, t('confirm_reject'), 'reject')), 'danger', 'reject'),
        button('ask', t('ask'), () => mount(actions, form('ask-form', t('question'), true, t('send_question'), 'request_details')), '', 'ask'))
    }
    if (r.actionable) showButtons()
    else if (detail.chat) {
      mount(actions, h('p', { class: 'closed', id: 'closed-reason' }, t(`state_${state}`)),
        h('a', { href: `/chats/${detail.chat.id}`, class: 'primary button', id: 'chat-link' }, t('open_chat')))
    } else mount(actions, h('p', { class: 'closed', id: 'closed-reason' }, t(`state_${state}`)))

    const thread = h('ol', { class: 'thread', id: 'thread' },
      detail.events.length
        ? detail.events.map((e) => h('li', { class: `event ${e.event_type}` },
          h('strong', {}, t(`ev_${e.event_type}`)), e.message ? quoted(e.message) : null,
          h('time', { datetime: e.created_at }, riyadhDateTime(e.created_at))))
        : [h('li', { class: 'muted' }, t('no_thread'))])

    mount(section,
      h('a', { href: '#/notifications', class: 'back' }, t('back')),
      h('article', { class: `card request-card status-${state}`, id: 'request-card', dataset: { id: r.id, status: state } },
        h('header', {}, h('h1', { id: 'card-title' }, icon('bell-ring', { size: 20 }), ' ', t(`card_title_${state}`)), h('span', { class: `badge ${state}`, id: 'request-status' }, t(`status_${state}`))),
        h('dl', {},
          field('client_name', t('client_name'), r.client_name),
          field('whatsapp', t('whatsapp'), r.client_whatsapp_phone, { dir: 'ltr' }),
          field('email', t('client_email'), r.client_email, { dir: 'ltr' }),
          field('title', t('service_title'), r.service_title),
          field('description', t('description'), r.service_description),
          field('category', t('category'), app.lang() === 'en' ? r.category_en : r.category_ar),
          field('budget', t('budget'), r.budget_range),
          field('datetime', t('datetime'), riyadhDateTime(r.created_at)),
          field('reason', t('reason'), r.reason_for_choice ? quoted(r.reason_for_choice) : null),
          field('details', t('details'), extraDetails(r.project_details, app.lang()))),
        countdown, actions, message),
      h('section', { class: 'card' }, h('h2', {}, t('thread')), thread),
      detail.emails?.length ? h('section', { class: 'card', id: 'emails' }, h('h2', {}, icon('mail', { size: 18 }), ' ', t('emails_title')),
        h('ul', { class: 'emails' }, detail.emails.map((e) => h('li', { class: `email ${e.status}`, dataset: { status: e.status } },
          h('strong', {}, t(`email_to_${e.recipient}`)), ' · ',
          h('span', { class: 'email-status' }, t(`email_${e.status}`)),
          e.last_error ? quoted(e.last_error) : null)))) : null)
    clearInterval(ticker)
    tick()
    if (state === 'pending') ticker = setInterval(tick, 1000)
  }

  async function load(showLoading = true, keepActions = null, keepTyping = false) {
    try {
      const detail = await api.request(requestId)
      // A reply being typed (as the answer arrives) survives a live reload while
      // the request is still open; not one already sent (it stays pending).
      const current = keepTyping ? section.querySelector('#actions') : null
      const keepForm = current?.querySelector('.inline-form') && !current.classList.contains('pending') ? current : null
      render(detail)
      if (keepActions) section.querySelector('#actions').replaceWith(keepActions)
      else if (keepForm && detail.request.actionable) section.querySelector('#actions').replaceWith(keepForm)
    } catch (err) {
      if (showLoading && (err.status === 404 || err.status === 422)) notFound(section)
      else if (showLoading) mount(section, h('p', { class: 'error', role: 'alert' }, errorText(err)))
    }
  }
  // Everything on the card is live: its status and title, the thread (a client's
  // answer), the emails' delivery; a catch-up after a reconnect names the
  // requests that changed meanwhile. Several at once load once more, not once each.
  let loading = null
  let again = false
  function reload() {
    if (loading) {
      again = true
      return
    }
    loading = load(false, null, true).finally(() => {
      loading = null
      if (again) {
        again = false
        reload()
      }
    })
  }
  const CARD_EVENTS = new Set(['request_status', 'request_event', 'request_email'])
  const stopLive = onLive((event, payload) => {
    if ((CARD_EVENTS.has(event) && payload.request_id === requestId) || event === 'refetch'
      || (event === 'caught_up' && payload.request_ids.includes(requestId))) reload()
  })
  load()
  return { node: section, stop: () => { clearInterval(ticker); stopLive() } }
}
