// Who saw what and when: the patient's access log, newest first, paged, filtered (the filters live in the URL:
// #/access-log?action=file-downloaded&actorRole=doctor&outcome=denied&from=2026-12-01&to=2026-12-03&page=2),
// with a CSV download of what the filters select. A table from 768px, compact cards below.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { ACCESS_ACTIONS, ACTOR_ROLES, actionLabel, formatDateTime, humanize, ipLabel, resourceLabel } from '../format.js';
import { alertBox, badge, card, cell, dataTable, describeError, emptyState, field, input, loading, outcomeBadge, pageHeader, pager, select, setFieldError } from '../ui.js';

const PAGE_SIZE = 20;
const ROLE_COLORS = { patient: 'green', doctor: 'blue', emergency: 'red', system: 'slate' };
const OUTCOMES = [['success', 'Allowed'], ['denied', 'Denied']];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters the URL asks for, keeping only values the server knows (a hand-edited URL cannot break the page). */
function filtersFrom(query) {
  const known = (value, list) => (list.some(([v]) => v === value) ? value : '');
  const day = (value) => (DAY.test(value ?? '') ? value : '');
  return {
    action: known(query.get('action'), ACCESS_ACTIONS),
    actorRole: known(query.get('actorRole'), ACTOR_ROLES),
    outcome: known(query.get('outcome'), OUTCOMES),
    from: day(query.get('from')),
    to: day(query.get('to')),
  };
}

function hashFor(filters, page = 1) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return `#/access-log${text ? `?${text}` : ''}`;
}

function actorName(entry, user) {
  if (entry.actorRole === 'emergency') return entry.actorName || 'Someone with your QR code';
  if (entry.actorRole === 'system') return 'MediVault';
  if (entry.actorId && entry.actorId === user.id) return 'You';
  return entry.actorName || humanize(entry.actorRole);
}

function roleBadge(entry) {
  return badge(ROLE_COLORS[entry.actorRole], entry.actorRole === 'emergency' ? 'Emergency' : humanize(entry.actorRole));
}

/** "File", then its name on its own line when the server named it for the owner. */
function what(entry) {
  return h('div', { class: 'min-w-0' },
    h('span', { class: 'block text-xs text-slate-600', text: resourceLabel(entry.resourceType) }),
    entry.resourceName ? h('span', { class: 'block font-medium break-words text-slate-900', text: entry.resourceName }) : null);
}

function from(entry) {
  const device = entry.device || entry.userAgent || '';
  return h('div', { class: 'min-w-0' },
    device ? h('span', { class: 'block break-words', text: device }) : null,
    h('span', { class: 'block text-xs text-slate-600', text: ipLabel(entry.ipAddress) || '—' }));
}

function tableView(entries, user) {
  const rows = entries.map((entry) => h('tr', {},
    cell(h('span', { class: 'whitespace-nowrap', text: formatDateTime(entry.timestamp) })),
    cell(actionLabel(entry.action)),
    cell(h('div', { class: 'min-w-0' }, h('span', { class: 'block font-medium break-words', text: actorName(entry, user) }), roleBadge(entry))),
    cell(what(entry)),
    cell(outcomeBadge(entry.outcome)),
    cell(from(entry))));
  return h('div', { class: 'hidden lg:block' },
    dataTable('Access log entries', ['When', 'Action', 'Who', 'What', 'Outcome', 'Device'], rows));
}

function cardView(entries, user) {
  return h('ol', { class: 'space-y-3 lg:hidden', 'aria-label': 'Access log entries' },
    entries.map((entry) => h('li', { class: 'rounded-lg border border-slate-200 bg-white p-3 text-sm' },
      h('div', { class: 'flex items-start justify-between gap-2' },
        h('p', { class: 'min-w-0 font-semibold text-slate-900', text: actionLabel(entry.action) }),
        outcomeBadge(entry.outcome)),
      entry.resourceName ? h('p', { class: 'mt-1 break-words text-slate-800', text: `${resourceLabel(entry.resourceType)}: ${entry.resourceName}` }) : null,
      h('p', { class: 'mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-slate-700' },
        h('span', { class: 'font-medium', text: actorName(entry, user) }), roleBadge(entry)),
      h('p', { class: 'mt-1 text-xs break-words text-slate-600', text: [formatDateTime(entry.timestamp), entry.device || entry.userAgent, ipLabel(entry.ipAddress)].filter(Boolean).join(' · ') }))));
}

function filterForm(filters, navigate) {
  const action = select([['', 'Any action'], ...ACCESS_ACTIONS], filters.action, { name: 'action' });
  const actorRole = select([['', 'Anyone'], ...ACTOR_ROLES], filters.actorRole, { name: 'actorRole' });
  const outcome = select([['', 'Any outcome'], ...OUTCOMES], filters.outcome, { name: 'outcome' });
  const fromDay = input({ type: 'date', name: 'from', value: filters.from });
  const toDay = input({ type: 'date', name: 'to', value: filters.to });
  const active = Object.values(filters).some(Boolean);

  const form = h('form', { class: 'grid gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5', 'aria-label': 'Filter the access log', novalidate: true },
    field({ label: 'Action', control: action, name: 'action' }),
    field({ label: 'Who', control: actorRole, name: 'actorRole' }),
    field({ label: 'Outcome', control: outcome, name: 'outcome' }),
    field({ label: 'From (UTC day)', control: fromDay, name: 'from' }),
    field({ label: 'To (UTC day)', control: toDay, name: 'to' }),
    h('div', { class: 'flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-3 xl:col-span-5' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', text: 'Apply filters' }),
      active ? h('a', { href: '#/access-log', class: 'btn btn-secondary btn-small', text: 'Clear filters' }) : null));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setFieldError(toDay, null);
    if (fromDay.value && toDay.value && toDay.value < fromDay.value) {
      setFieldError(toDay, 'The end date must be on or after the start date.');
      toDay.focus();
      return;
    }
    navigate(hashFor({ action: action.value, actorRole: actorRole.value, outcome: outcome.value, from: fromDay.value, to: toDay.value }));
  });
  return form;
}

export async function render(container, { user, query, navigate }) {
  const filters = filtersFrom(query);
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const active = Object.values(filters).some(Boolean);
  const results = h('div', { 'aria-live': 'polite' });
  const csv = h('a', { href: api.accessLogCsvUrl(user.id, filters), download: '', class: 'btn btn-secondary', text: active ? 'Download these entries (CSV)' : 'Download CSV' });

  replace(container,
    pageHeader('Access log', 'Every time anyone — you, a doctor, or someone scanning your QR code — reads or changes your records, it is written here.', csv),
    card('Filter', filterForm(filters, navigate)),
    h('div', { class: 'mt-6' }, card(null, results)));

  replace(results, loading('Loading the access log…'));
  let paged;
  try {
    paged = await api.listAccessLogs(user.id, { page, pageSize: PAGE_SIZE, ...filters });
  } catch (error) {
    replace(results, alertBox('error', describeError(error)));
    return;
  }
  if (paged.totalCount === 0) {
    replace(results, emptyState(active ? 'No entries match these filters.' : 'Nothing has been recorded yet.'));
    return;
  }
  replace(results,
    tableView(paged.items, user),
    cardView(paged.items, user),
    pager(paged, (next) => navigate(hashFor(filters, next)), 'entry', 'entries'));
}
