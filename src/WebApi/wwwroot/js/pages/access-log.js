// Who saw what and when: the patient's access log, newest first, paged.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { actionLabel, formatDateTime, humanize, resourceLabel, shortId } from '../format.js';
import { alertBox, badge, card, cell, dataTable, describeError, emptyState, loading, pageHeader, pager } from '../ui.js';

const PAGE_SIZE = 20;
const ROLE_COLORS = { patient: 'green', doctor: 'blue', emergency: 'red', system: 'slate' };

function actorName(entry) {
  if (entry.actorRole === 'emergency') return entry.actorName || 'Someone with your QR code';
  return entry.actorName || humanize(entry.actorRole);
}

export async function render(container, { user }) {
  const results = h('div', { 'aria-live': 'polite' });
  let page = 1;

  async function load() {
    replace(results, loading('Loading the access log…'));
    let paged;
    try {
      paged = await api.listAccessLogs(user.id, { page, pageSize: PAGE_SIZE });
    } catch (error) {
      replace(results, alertBox('error', describeError(error)));
      return;
    }
    if (paged.totalCount === 0) {
      replace(results, emptyState('Nothing has been recorded yet.'));
      return;
    }
    const rows = paged.items.map((entry) => h('tr', {},
      cell(h('span', { class: 'whitespace-nowrap', text: formatDateTime(entry.timestamp) })),
      cell(actionLabel(entry.action)),
      cell(h('div', {}, h('span', { class: 'block font-medium', text: actorName(entry) }), badge(ROLE_COLORS[entry.actorRole], humanize(entry.actorRole)))),
      cell(h('div', {}, h('span', { class: 'block whitespace-nowrap', text: resourceLabel(entry.resourceType) }), entry.resourceId ? h('code', { class: 'whitespace-nowrap text-slate-600', title: entry.resourceId, text: shortId(entry.resourceId) }) : null)),
      cell(entry.outcome === 'denied' ? badge('red', 'Denied') : badge('green', 'Success')),
      cell(h('div', { class: 'min-w-0' }, h('span', { class: 'block whitespace-nowrap', text: entry.ipAddress || '—' }), entry.userAgent ? h('span', { class: 'block max-w-56 truncate text-xs text-slate-600', text: entry.userAgent }) : null))));
    replace(results,
      dataTable('Access log entries', ['When', 'Action', 'Who', 'What', 'Outcome', 'From'], rows),
      pager(paged, (next) => {
        page = next;
        load();
      }, 'entry', 'entries'));
  }

  replace(container,
    pageHeader('Access log', 'Every time anyone — you, a doctor, or someone scanning your QR code — reads or changes your records, it is written here.'),
    card(null, results));
  await load();
}
