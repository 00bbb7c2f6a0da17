// Create a patient or doctor account, then sign straight in.
import * as api from '../medivault-api.js';
import { h, replace, uid } from '../dom.js';
import { continueAfterSignIn, nextParameter } from '../session.js';
import { busy, card, clearFieldErrors, field, input, messageSlot, setFieldError, showFormError } from '../ui.js';

function accountTypeChoice(value, label, description, checked) {
  const id = uid('account-type');
  return h('label', { for: id, class: 'flex cursor-pointer items-start gap-3 rounded-lg border border-slate-300 bg-white p-3 has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50' },
    h('input', { id, type: 'radio', name: 'accountType', value, checked, class: 'mt-1 h-4 w-4 accent-brand-700' }),
    h('span', {},
      h('span', { class: 'block text-sm font-semibold text-slate-900', text: label }),
      h('span', { class: 'block text-xs text-slate-600', text: description })));
}

export async function render(container, { navigate, query }) {
  const slot = messageSlot();
  const fullName = input({ name: 'fullName', autocomplete: 'name', required: true, maxlength: 200 });
  const email = input({ type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const licenseNumber = input({ name: 'licenseNumber', autocomplete: 'off', maxlength: 100 });
  const specialty = input({ name: 'specialty', autocomplete: 'off', maxlength: 100 });

  const typeField = h('fieldset', { class: 'space-y-2', dataset: { field: 'accountType' }, id: uid('account-types') },
    h('legend', { class: 'field-label', text: 'I am a' }),
    h('div', { class: 'grid gap-2 sm:grid-cols-2' },
      accountTypeChoice('patient', 'Patient', 'Keep and share my own records.', true),
      accountTypeChoice('doctor', 'Doctor', 'See records my patients share with me.', false)));

  const doctorFields = h('div', { class: 'space-y-4 rounded-lg border border-sky-200 bg-sky-50 p-4', hidden: true },
    h('p', { class: 'text-sm text-sky-900', text: 'Doctors register with their licence number and specialty.' }),
    field({ label: 'Licence number', control: licenseNumber, name: 'licenseNumber' }),
    field({ label: 'Specialty', control: specialty, name: 'specialty', hint: 'For example: General practice, Cardiology.' }));

  const submit = h('button', { type: 'submit', class: 'btn btn-primary w-full', text: 'Create account' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Create an account' },
    typeField,
    field({ label: 'Full name', control: fullName, name: 'fullName' }),
    field({ label: 'Email', control: email, name: 'email' }),
    field({ label: 'Password', control: password, name: 'password', hint: 'At least 8 characters. Common passwords are refused.' }),
    doctorFields,
    submit);

  const selectedType = () => form.querySelector('input[name="accountType"]:checked')?.value ?? 'patient';
  form.addEventListener('change', (event) => {
    if (event.target.name !== 'accountType') return;
    const doctor = selectedType() === 'doctor';
    doctorFields.hidden = !doctor;
    licenseNumber.required = doctor;
    specialty.required = doctor;
  });

  function checkLocally() {
    clearFieldErrors(form);
    const problems = [];
    if (!fullName.value.trim()) problems.push([fullName, 'Enter your full name.']);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.value.trim())) problems.push([email, 'Enter a valid email address.']);
    if (password.value.length < 8) problems.push([password, 'Use at least 8 characters.']);
    if (selectedType() === 'doctor') {
      if (!licenseNumber.value.trim()) problems.push([licenseNumber, 'Enter your licence number.']);
      if (!specialty.value.trim()) problems.push([specialty, 'Enter your specialty.']);
    }
    for (const [control, message] of problems) setFieldError(control, message);
    if (problems.length) {
      slot.show('error', 'Please correct the fields marked below.');
      problems[0][0].focus();
    }
    return problems.length === 0;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    if (!checkLocally()) return;
    const doctor = selectedType() === 'doctor';
    const account = {
      email: email.value.trim(),
      password: password.value,
      fullName: fullName.value.trim(),
      accountType: selectedType(),
      licenseNumber: doctor ? licenseNumber.value.trim() : undefined,
      specialty: doctor ? specialty.value.trim() : undefined,
    };
    await busy(submit, 'Creating account…', async () => {
      try {
        await api.register(account);
      } catch (error) {
        if (error instanceof api.ApiError && error.status === 409) {
          clearFieldErrors(form);
          setFieldError(email, 'An account with this email already exists.');
          slot.show('error', 'An account with this email already exists. Sign in instead, or use another email.');
          email.focus();
          return;
        }
        showFormError(form, slot, error);
        return;
      }
      try {
        const { user } = await api.login(account.email, account.password);
        // Registered while an app was asking for access: back to its authorization request (a doctor sets up
        // two-factor sign-in first).
        continueAfterSignIn(user, query, navigate);
      } catch {
        navigate(`#/sign-in?registered=1${nextParameter(query)}`);
      }
    });
  });

  replace(container,
    h('div', { class: 'mx-auto max-w-lg' },
      h('h1', { class: 'mb-1 text-2xl font-bold tracking-tight', text: 'Create your MediVault account' }),
      h('p', { class: 'mb-6 text-sm text-slate-600' }, 'Already registered? ', h('a', { href: `#/sign-in${nextParameter(query, '?')}`, text: 'Sign in' }), '.'),
      card(null, slot.element, form)));
}
