// A read-only emergency profile (what a doctor with access sees).
import { h } from '../dom.js';
import { formatDate, formatDateTime, humanize } from '../format.js';
import { badge } from '../ui.js';

const SEVERITY_COLORS = { severe: 'red', moderate: 'amber', mild: 'slate' };
const SEVERITY_ORDER = { severe: 0, moderate: 1, mild: 2 };

function section(title, items, renderItem, emptyText) {
  return h('div', {},
    h('h3', { class: 'text-sm font-semibold tracking-wide text-slate-700 uppercase', text: title }),
    items.length
      ? h('ul', { class: 'mt-2 space-y-2' }, items.map((item) => h('li', { class: 'rounded-lg border border-slate-200 bg-white p-3 text-sm' }, renderItem(item))))
      : h('p', { class: 'mt-2 text-sm text-slate-600', text: emptyText }));
}

export function profileView(profile) {
  const allergies = [...(profile.allergies ?? [])].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
  return h('div', { class: 'space-y-5' },
    h('dl', { class: 'grid gap-4 sm:grid-cols-3' },
      h('div', { class: 'rounded-lg bg-red-50 p-3' },
        h('dt', { class: 'text-xs font-semibold text-red-900 uppercase', text: 'Blood type' }),
        h('dd', { class: 'text-2xl font-bold text-red-800', text: profile.bloodType === 'unknown' ? 'Unknown' : profile.bloodType })),
      h('div', { class: 'rounded-lg bg-slate-100 p-3' },
        h('dt', { class: 'text-xs font-semibold text-slate-700 uppercase', text: 'Date of birth' }),
        h('dd', { class: 'text-base font-semibold text-slate-900', text: profile.dateOfBirth ? formatDate(profile.dateOfBirth) : 'Not given' })),
      h('div', { class: 'rounded-lg bg-slate-100 p-3' },
        h('dt', { class: 'text-xs font-semibold text-slate-700 uppercase', text: 'Organ donor' }),
        h('dd', { class: 'text-base font-semibold text-slate-900', text: profile.organDonor ? 'Yes' : 'No' }))),
    section('Allergies', allergies, (a) => [
      h('span', { class: 'font-semibold', text: a.substance }), ' ',
      badge(SEVERITY_COLORS[a.severity] ?? 'slate', humanize(a.severity)),
      a.reaction ? h('span', { class: 'block text-slate-700', text: a.reaction }) : null,
    ], 'No known allergies recorded.'),
    section('Conditions', profile.conditions ?? [], (c) => [
      h('span', { class: 'font-semibold', text: c.name }),
      c.notes ? h('span', { class: 'block text-slate-700', text: c.notes }) : null,
    ], 'No conditions recorded.'),
    section('Medications', profile.medications ?? [], (m) => [
      h('span', { class: 'font-semibold', text: m.name }),
      m.dosage || m.frequency ? h('span', { class: 'block text-slate-700', text: [m.dosage, m.frequency].filter(Boolean).join(' · ') }) : null,
    ], 'No medications recorded.'),
    section('Emergency contacts', profile.emergencyContacts ?? [], (c) => [
      h('span', { class: 'font-semibold', text: c.name }),
      h('span', { class: 'text-slate-700', text: ` (${c.relationship})` }), ' ',
      h('a', { href: `tel:${String(c.phone).replace(/[^\d+]/g, '')}`, text: c.phone }),
    ], 'No contacts recorded.'),
    profile.medicalNotes
      ? h('div', {}, h('h3', { class: 'text-sm font-semibold tracking-wide text-slate-700 uppercase', text: 'Notes' }),
        h('p', { class: 'mt-2 text-sm whitespace-pre-line text-slate-800', text: profile.medicalNotes }))
      : null,
    profile.updatedAt ? h('p', { class: 'text-xs text-slate-600', text: `Last updated ${formatDateTime(profile.updatedAt)}` }) : null);
}
