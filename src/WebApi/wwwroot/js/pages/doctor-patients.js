// The doctor's patients: everyone whose access grant is in force.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { alertBox, describeError, emptyState, loading, pageHeader } from '../ui.js';

export async function render(container, { user }) {
  const header = pageHeader('My patients', `Patients who have shared their records with you, ${user.fullName}.`);
  replace(container, header, loading('Loading your patients…'));

  let patients;
  try {
    patients = await api.listMyPatients();
  } catch (error) {
    replace(container, header, alertBox('error', describeError(error)));
    return;
  }

  if (!patients.length) {
    replace(container, header, emptyState('No patient has shared records with you yet. A patient grants access from their Sharing page using your email address.'));
    return;
  }

  replace(container, header,
    h('ul', { class: 'grid gap-4 md:grid-cols-2', 'aria-label': 'Patients' },
      patients.map((patient) => h('li', { class: 'card flex flex-col gap-3' },
        h('div', {},
          h('h2', { class: 'text-lg font-semibold' },
            h('a', { href: `#/doctor/patients/${encodeURIComponent(patient.patientId)}`, class: 'text-slate-900', text: patient.fullName })),
          h('p', { class: 'text-sm text-slate-600 break-all', text: patient.email })),
        h('p', { class: 'text-xs text-slate-600', text: `Access since ${formatDateTime(patient.grantedAt)} · ${patient.expiresAt ? `until ${formatDateTime(patient.expiresAt)}` : 'no end date'}` }),
        h('a', { href: `#/doctor/patients/${encodeURIComponent(patient.patientId)}`, class: 'btn btn-primary btn-small self-start', 'aria-label': `Open records of ${patient.fullName}`, text: 'Open records' })))));
}
