// Sharing with doctors: grant by email with an optional end date, list, revoke.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, todayIso } from '../format.js';
import { badge, busy, card, confirmThenRun, describeError, emptyState, field, input, loading, messageSlot, pageHeader, showCheckFailures, showFormError } from '../ui.js';
import { checks, validate } from '../validation.js';

function grantStatus(grant, now = Date.now()) {
  if (grant.revokedAt) return ['red', 'Revoked'];
  if (grant.expiresAt && Date.parse(grant.expiresAt) <= now) return ['slate', 'Expired'];
  return ['green', 'Active'];
}

/** 'YYYY-MM-DD' → the end of that day in the reader's time zone, as an ISO-8601 UTC timestamp. */
function endOfDay(date) {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year, month - 1, day, 23, 59, 59).toISOString();
}

export async function render(container) {
  const slot = messageSlot();
  const listSlot = h('div', {}, loading('Loading your grants…'));
  const doctorEmail = input({ type: 'email', name: 'doctorEmail', autocomplete: 'off', required: true, placeholder: 'doctor@example.com' });
  const endDate = input({ type: 'date', name: 'expiresAt', min: todayIso() });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Grant access' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Grant a doctor access' },
    slot.element,
    h('div', { class: 'grid gap-4 sm:grid-cols-2' },
      field({ label: 'Doctor\'s email', control: doctorEmail, name: 'doctorEmail', hint: 'The email your doctor uses for their MediVault doctor account.' }),
      field({ label: 'Access ends (optional)', control: endDate, name: 'expiresAt', hint: 'Leave empty to keep access until you revoke it.' })),
    submit);

  async function loadList() {
    let grants;
    try {
      grants = await api.listAccessGrants();
    } catch (error) {
      replace(listSlot, h('p', { class: 'alert alert-error', role: 'alert', text: describeError(error) }));
      return;
    }
    if (!grants.length) {
      replace(listSlot, emptyState('You have not shared your records with any doctor.'));
      return;
    }
    replace(listSlot, h('ul', { class: 'divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white', 'aria-label': 'Access grants' },
      grants.map((grant) => {
        const [color, status] = grantStatus(grant);
        const until = grant.revokedAt
          ? `revoked ${formatDateTime(grant.revokedAt)}`
          : grant.expiresAt ? `until ${formatDateTime(grant.expiresAt)}` : 'no end date';
        return h('li', { class: 'flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between', dataset: { grantId: grant.id } },
          h('div', { class: 'min-w-0' },
            h('div', { class: 'flex flex-wrap items-center gap-2' },
              h('h3', { class: 'text-sm font-semibold', text: grant.doctorName }),
              badge(color, status)),
            h('p', { class: 'text-sm text-slate-700 break-all', text: grant.doctorEmail }),
            h('p', { class: 'mt-1 text-xs text-slate-600', text: `Granted ${formatDateTime(grant.grantedAt)} · ${until}` })),
          status === 'Active'
            ? h('button', {
              type: 'button', class: 'btn btn-danger-outline btn-small self-start sm:self-center', 'aria-label': `Revoke access for ${grant.doctorName}`, text: 'Revoke',
              onClick: async () => {
                const revoked = await confirmThenRun({
                  title: 'Revoke access?',
                  message: `${grant.doctorName} will no longer see your records or emergency profile, starting now.`,
                  confirmText: 'Revoke access',
                }, () => api.revokeAccessGrant(grant.id), `Access for ${grant.doctorName} revoked.`);
                if (revoked) loadList();
              },
            })
            : null);
      })));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    const failures = validate([
      [doctorEmail, checks.required('your doctor\'s email'), checks.email()],
      [endDate, checks.dateBetween(todayIso(), '9999-12-31', 'Choose today or a later day, or leave it empty.', '')],
    ]);
    if (showCheckFailures(form, slot, failures)) return;
    await busy(submit, 'Granting…', async () => {
      try {
        const grant = await api.grantAccess({
          doctorEmail: doctorEmail.value.trim(),
          expiresAt: endDate.value ? endOfDay(endDate.value) : undefined,
        });
        form.reset();
        slot.show('success', `${grant.doctorName} can now see your records${grant.expiresAt ? ` until ${formatDateTime(grant.expiresAt)}` : ''}.`);
        loadList();
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });

  replace(container,
    pageHeader('Sharing', 'Doctors you grant access can read your records and emergency profile and add documents to your vault. They can never delete anything. Every access is logged.'),
    h('div', { class: 'space-y-6' },
      card('Grant a doctor access', form),
      card('Doctors with access', listSlot)));

  await loadList();
}
