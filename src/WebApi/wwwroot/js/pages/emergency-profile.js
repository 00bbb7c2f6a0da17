// The patient's emergency profile editor: what a first responder sees after scanning the QR code.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, todayIso } from '../format.js';
import { alertBox, busy, card, describeError, field, input, loading, messageSlot, pageHeader, select, showCheckFailures, showFormError, textarea, toast } from '../ui.js';
import { checks, validate } from '../validation.js';

const BLOOD_TYPES = [['unknown', 'Unknown'], ...['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'].map((t) => [t, t])];
const SEVERITIES = [['mild', 'Mild'], ['moderate', 'Moderate'], ['severe', 'Severe']];

const LISTS = [
  {
    key: 'allergies', title: 'Allergies', singular: 'allergy',
    columns: [
      { name: 'substance', label: 'Substance', required: true, maxlength: 200 },
      { name: 'reaction', label: 'Reaction', maxlength: 500 },
      { name: 'severity', label: 'Severity', options: SEVERITIES, initial: 'moderate', required: true },
    ],
  },
  {
    key: 'conditions', title: 'Conditions', singular: 'condition',
    columns: [
      { name: 'name', label: 'Condition', required: true, maxlength: 200 },
      { name: 'notes', label: 'Notes', maxlength: 1000 },
    ],
  },
  {
    key: 'medications', title: 'Medications', singular: 'medication',
    columns: [
      { name: 'name', label: 'Medication', required: true, maxlength: 200 },
      { name: 'dosage', label: 'Dosage', maxlength: 100 },
      { name: 'frequency', label: 'Frequency', maxlength: 100 },
    ],
  },
  {
    key: 'emergencyContacts', title: 'Emergency contacts', singular: 'contact',
    columns: [
      { name: 'name', label: 'Name', required: true, maxlength: 200, autocomplete: 'off' },
      { name: 'relationship', label: 'Relationship', required: true, maxlength: 100 },
      { name: 'phone', label: 'Phone', required: true, type: 'tel', maxlength: 40 },
    ],
  },
];

/** One repeatable list (allergies, …) with add/remove rows; field names follow the API: allergies[0].substance. */
function listEditor(spec, items) {
  const rows = h('ol', { class: 'space-y-3' });
  const empty = h('p', { class: 'text-sm text-slate-600', text: `No ${spec.title.toLowerCase()} added.` });
  const add = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: `Add ${spec.singular}` });
  const headingId = `${spec.key}-heading`;

  function reindex() {
    [...rows.children].forEach((row, index) => {
      for (const column of spec.columns) {
        const control = row.querySelector(`[data-column="${column.name}"]`);
        const label = row.querySelector(`[data-label-for="${column.name}"]`);
        const error = row.querySelector(`[data-error-for-column="${column.name}"]`);
        const id = `${spec.key}-${index}-${column.name}`;
        control.id = id;
        control.dataset.field = `${spec.key}[${index}].${column.name}`;
        control.setAttribute('aria-describedby', `${id}-error`);
        label.setAttribute('for', id);
        label.textContent = `${column.label}${column.required ? '' : ' (optional)'}`;
        error.id = `${id}-error`;
      }
      row.querySelector('[data-remove]').setAttribute('aria-label', `Remove ${spec.singular} ${index + 1}`);
    });
    empty.hidden = rows.children.length > 0;
  }

  function addRow(item = {}, focus = false) {
    const controls = spec.columns.map((column) => {
      const control = column.options
        ? select(column.options, item[column.name] ?? column.initial, { dataset: { column: column.name } })
        : input({ type: column.type ?? 'text', value: item[column.name] ?? '', maxlength: column.maxlength, required: column.required, dataset: { column: column.name } });
      return h('div', { class: 'min-w-0' },
        h('label', { class: 'field-label', dataset: { labelFor: column.name } }),
        control,
        h('p', { class: 'field-error', hidden: true, dataset: { errorForColumn: column.name } }));
    });
    const remove = h('button', { type: 'button', class: 'btn btn-danger-outline btn-small', dataset: { remove: '' }, text: 'Remove' });
    const row = h('li', { class: 'grid gap-3 rounded-lg border border-slate-200 bg-slate-50 p-3 sm:grid-cols-[repeat(3,minmax(0,1fr))_auto] sm:items-start' },
      controls,
      h('div', { class: 'sm:pt-6' }, remove));
    if (spec.columns.length === 2) row.classList.replace('sm:grid-cols-[repeat(3,minmax(0,1fr))_auto]', 'sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_auto]');
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      reindex();
      (next?.querySelector('input, select') ?? add).focus();
    });
    rows.append(row);
    reindex();
    if (focus) row.querySelector('input, select')?.focus();
  }

  add.addEventListener('click', () => addRow({}, true));
  for (const item of items ?? []) addRow(item);
  reindex();

  return {
    element: h('fieldset', { class: 'space-y-3', 'aria-labelledby': headingId },
      h('div', { class: 'flex flex-wrap items-center justify-between gap-2' },
        h('h2', { id: headingId, class: 'text-base font-semibold', text: spec.title }),
        add),
      empty,
      rows),
    /** The server's rules for each row's fields: required ones filled, lengths, phone numbers. */
    rules() {
      return [...rows.children].flatMap((row) => spec.columns.filter((column) => !column.options).map((column) => [
        row.querySelector(`[data-column="${column.name}"]`),
        ...(column.required ? [checks.required(`the ${column.label.toLowerCase()}`)] : []),
        checks.maxLength(column.maxlength),
        ...(column.type === 'tel' ? [checks.phone()] : []),
      ]));
    },
    values() {
      return [...rows.children].map((row) => Object.fromEntries(spec.columns.map((column) => {
        const value = row.querySelector(`[data-column="${column.name}"]`).value.trim();
        return [column.name, value === '' && !column.required ? null : value];
      })));
    },
  };
}

export async function render(container, { user }) {
  const header = pageHeader('Emergency profile', 'What a first responder sees when they scan one of your QR codes. Keep it short, current and accurate.',
    h('a', { href: api.summaryPdfUrl(user.id), download: '', class: 'btn btn-secondary', text: 'Download summary (PDF)' }),
    h('a', { href: '#/qr-codes', class: 'btn btn-secondary', text: 'QR codes' }));
  replace(container, header, loading('Loading your profile…'));

  let profile;
  try {
    profile = await api.getEmergencyProfile(user.id);
  } catch (error) {
    replace(container, header, alertBox('error', describeError(error)));
    return;
  }

  const slot = messageSlot();
  const updated = h('p', { class: 'text-xs text-slate-600', text: profile?.updatedAt ? `Last saved ${formatDateTime(profile.updatedAt)}` : 'Not saved yet.' });
  const dateOfBirth = input({ type: 'date', value: profile?.dateOfBirth ?? '', max: todayIso(), min: '1900-01-01' });
  const bloodType = select(BLOOD_TYPES, profile?.bloodType ?? 'unknown');
  const organDonor = h('input', { type: 'checkbox', id: 'organ-donor', class: 'h-5 w-5 accent-brand-700', checked: profile?.organDonor ?? false, dataset: { field: 'organDonor' } });
  const medicalNotes = textarea({ rows: 3, maxlength: 2000, text: profile?.medicalNotes ?? '' });
  const lists = LISTS.map((spec) => listEditor(spec, profile?.[spec.key]));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save profile' });

  const form = h('form', { class: 'space-y-6', novalidate: true, 'aria-label': 'Emergency profile' },
    slot.element,
    card('About you',
      h('div', { class: 'grid gap-4 sm:grid-cols-3' },
        field({ label: 'Date of birth', control: dateOfBirth, name: 'dateOfBirth' }),
        field({ label: 'Blood type', control: bloodType, name: 'bloodType' }),
        h('div', { class: 'flex items-center gap-3 sm:pt-7' },
          organDonor,
          h('label', { for: 'organ-donor', class: 'text-sm font-medium text-slate-800', text: 'I am an organ donor' })))),
    lists.map((list) => h('div', { class: 'card' }, list.element)),
    card('Notes for first responders', field({ label: 'Medical notes (optional)', control: medicalNotes, name: 'medicalNotes', hint: 'For example: pacemaker fitted, takes blood thinners.' })),
    h('div', { class: 'flex flex-wrap items-center gap-4' }, submit, updated));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    const failures = validate([
      [dateOfBirth, checks.dateBetween('1900-01-01', todayIso(), 'Enter a date of birth from 1900 on.', 'The date of birth cannot be in the future.')],
      ...lists.flatMap((list) => list.rules()),
      [medicalNotes, checks.maxLength(2000)],
    ]);
    if (showCheckFailures(form, slot, failures)) return;
    const body = {
      dateOfBirth: dateOfBirth.value || null,
      bloodType: bloodType.value,
      allergies: lists[0].values(),
      conditions: lists[1].values(),
      medications: lists[2].values(),
      emergencyContacts: lists[3].values(),
      organDonor: organDonor.checked,
      medicalNotes: medicalNotes.value.trim() || null,
    };
    await busy(submit, 'Saving…', async () => {
      try {
        const saved = await api.saveEmergencyProfile(user.id, body);
        updated.textContent = `Last saved ${formatDateTime(saved.updatedAt)}`;
        slot.show('success', 'Your emergency profile is saved. Your QR codes show it from now on.');
        toast('Emergency profile saved.');
      } catch (error) {
        showFormError(form, slot, error);
        if (!form.contains(document.activeElement) || document.activeElement === submit) slot.element.scrollIntoView({ block: 'center' });
      }
    });
  });

  replace(container, header, form);
}
