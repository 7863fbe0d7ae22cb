// The KPI tiles (each with the spec's target and the trend on the previous
// period), requests over time, the funnel, and the per-freelancer table.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController,
  LineElement, PointElement, Tooltip,
} from 'chart.js'
import { h } from '../dom.js'
import { getLang, t } from '../i18n.js'
import { adminApi } from './api.js'
import { day, duration, number, percent, rating } from './format.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend)

const TILES = [
  { key: 'acceptance_rate', format: percent },
  { key: 'response_time_median', format: duration, sub: (s) => `${t('kpi_response_p90')}: ${duration(s.response_time_p90)}` },
  { key: 'satisfaction', format: percent, sub: (s) => `${t('kpi_mean_rating')}: ${rating(s.mean_rating)}` },
  { key: 'completion_rate', format: percent },
  { key: 'monthly_growth', format: percent },
  { key: 'expiry_rate', format: percent, label: () => t('kpi_expiry_rate') },
]

function targetText(target, format) {
  if (!target) return ''
  const min = target.min === null ? null : format(target.min)
  const max = target.max === null ? null : format(target.max)
  if (min && max) return t('target', { target: t('target_between', { min, max }) })
  if (min) return t('target', { target: t('target_at_least', { min }) })
  return t('target', { target: t('target_under', { max }) })
}

function onTarget(value, target) {
  if (value === null || value === undefined || !target) return null
  const v = Number(value)
  if (target.min !== null && v < Number(target.min)) return false
  if (target.max !== null && v > Number(target.max)) return false
  return true
}

function trend(value, previous, format, unit) {
  if (value === null || value === undefined || previous === null || previous === undefined) return ''
  const delta = Number(value) - Number(previous)
  if (Math.abs(delta) < 1e-9) return t('trend_same')
  const shown = unit === 'seconds' ? format(Math.abs(delta)) : percent(Math.abs(delta))
  return delta > 0 ? t('trend_up', { delta: shown }) : t('trend_down', { delta: shown })
}

function tiles(summary, previous) {
  const targets = summary.targets || {}
  return h('section', { class: 'tiles', id: 'kpi-tiles' }, TILES.map((tile) => {
    const target = targets[tile.key]
    const value = summary[tile.key]
    const ok = onTarget(value, target)
    const name = tile.label ? tile.label() : (getLang() === 'en' ? target?.name_en : target?.name_ar) || tile.key
    return h('article', { class: `tile ${ok === null ? '' : ok ? 'ok' : 'off'}`, dataset: { kpi: tile.key } },
      h('h3', {}, name),
      h('p', { class: 'value' }, value === null || value === undefined ? '—' : tile.format(value)),
      value === null || value === undefined ? h('p', { class: 'muted' }, t('no_data')) : null,
      target ? h('p', { class: 'target' }, targetText(target, tile.format),
        ok === null ? null : h('span', { class: 'verdict' }, ' · ', ok ? t('on_target') : t('off_target'))) : null,
      tile.sub ? h('p', { class: 'muted' }, tile.sub(summary)) : null,
      h('p', { class: 'trend muted' }, trend(value, previous?.[tile.key], tile.format, target?.unit)))
  }))
}

function lineChart(canvas, rows) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: rows.map((r) => day(r.bucket)),
      datasets: [
        { label: t('series_requests'), data: rows.map((r) => r.requests), borderColor: '#1d4ed8', backgroundColor: '#1d4ed8' },
        { label: t('series_accepted'), data: rows.map((r) => r.accepted), borderColor: '#15803d', backgroundColor: '#15803d' },
        { label: t('series_rejected'), data: rows.map((r) => r.rejected), borderColor: '#b91c1c', backgroundColor: '#b91c1c' },
        { label: t('series_expired'), data: rows.map((r) => r.expired), borderColor: '#5b6785', backgroundColor: '#5b6785' },
      ],
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  })
}

function funnelChart(canvas, funnel) {
  const steps = ['conversations', 'listed', 'requests', 'accepted', 'completed']
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: steps.map((s) => t(`funnel_${s}`)),
      datasets: [{ label: t('funnel_title'), data: steps.map((s) => funnel[s] || 0), backgroundColor: '#1d4ed8' }],
    },
    options: { animation: false, indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  })
}

function freelancerTable(rows) {
  let sortKey = 'requests'
  let descending = true
  const search = h('input', { type: 'search', id: 'freelancer-search', placeholder: t('search_freelancers'), 'aria-label': t('search_freelancers') })
  const body = h('tbody')
  const columns = [
    ['display_name', t('col_name'), (r) => h('bdi', {}, r.display_name)],
    ['requests', t('col_requests'), (r) => number(r.requests)],
    ['accepted', t('col_accepted'), (r) => number(r.accepted)],
    ['acceptance_rate', t('col_acceptance'), (r) => percent(r.acceptance_rate)],
    ['response_time_median', t('col_response'), (r) => duration(r.response_time_median)],
    ['mean_rating', t('col_rating'), (r) => rating(r.mean_rating)],
  ]
  const draw = () => {
    const needle = search.value.trim().toLowerCase()
    const shown = rows.filter((r) => !needle || r.display_name.toLowerCase().includes(needle))
      .sort((a, b) => {
        const x = a[sortKey] ?? -Infinity
        const y = b[sortKey] ?? -Infinity
        const order = typeof x === 'string' ? x.localeCompare(y, getLang()) : Number(x) - Number(y)
        return descending ? -order : order
      })
    body.replaceChildren(...shown.map((r) => h('tr', {}, columns.map(([, , cell]) => h('td', {}, cell(r))))))
    if (!shown.length) body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, t('no_data'))))
  }
  const head = h('tr', {}, columns.map(([key, label]) => h('th', {},
    h('button', { type: 'button', class: 'link sort', dataset: { sort: key }, onclick: () => {
      descending = sortKey === key ? !descending : true
      sortKey = key
      draw()
    } }, label))))
  search.addEventListener('input', draw)
  draw()
  return h('section', { class: 'card', id: 'freelancers' }, h('h2', {}, t('freelancers_title')), search,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data' }, h('thead', {}, head), body)))
}

export function overviewView(period) {
  const node = h('div', { id: 'overview-page' }, h('p', { class: 'muted' }, t('loading')))
  const charts = []
  async function load() {
    const bucket = period.days > 120 ? 'week' : 'day'
    const [kpis, series, people] = await Promise.all([
      adminApi.kpis(period.range()), adminApi.series(period.range(), bucket), adminApi.freelancers(period.range()),
    ])
    charts.forEach((c) => c.destroy())
    charts.length = 0
    const lineCanvas = h('canvas', { id: 'chart-requests', 'aria-label': t('chart_requests'), role: 'img' })
    const funnelCanvas = h('canvas', { id: 'chart-funnel', 'aria-label': t('funnel_title'), role: 'img' })
    node.replaceChildren(
      tiles(kpis.summary, kpis.previous),
      h('section', { class: 'card' }, h('h2', {}, t('chart_requests')), h('div', { class: 'chart' }, lineCanvas)),
      h('section', { class: 'card' }, h('h2', {}, t('funnel_title')), h('div', { class: 'chart short' }, funnelCanvas)),
      freelancerTable(people.items))
    charts.push(lineChart(lineCanvas, series.items), funnelChart(funnelCanvas, kpis.funnel))
    node.dataset.loaded = 'true'
  }
  return { node, load, stop: () => charts.forEach((c) => c.destroy()) }
}
