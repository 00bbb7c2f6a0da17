// Setting up two-factor sign-in: scan the QR code (or type the key), confirm with a code, keep the recovery codes.
// Doctors land here after their first sign-in and can go nowhere else until it is done.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { authorizeContinuation, homeRoute, isDoctor, setUser } from '../session.js';
import { busy, card, field, input, loading, messageSlot, pageHeader, showFormError } from '../ui.js';

/** The 10 recovery codes, shown this once, with what they are for. */
export function recoveryCodesList(codes) {
  return h('div', { class: 'space-y-3' },
    h('p', { class: 'text-sm text-slate-700', text: 'Keep these recovery codes somewhere safe (printed, or in a password manager). Each one signs you in once if you lose your phone. They are shown only now.' }),
    h('ul', { class: 'grid grid-cols-2 gap-2 font-mono text-sm', 'aria-label': 'Recovery codes' },
      codes.map((code) => h('li', { class: 'rounded border border-slate-200 px-2 py-1 text-center', text: code }))));
}

export async function render(container, { user, query, navigate }) {
  const forced = isDoctor(user) && !user.twoFactorEnabled;
  const header = pageHeader('Set up two-factor sign-in', forced
    ? 'Doctor accounts sign in with a password and a code from an authenticator app. Set it up now to continue.'
    : 'Sign in with your password and a code from an authenticator app on your phone.');
  replace(container, header, loading('Preparing…'));

  const status = await api.twoFactorStatus();
  if (status.enabled) {
    replace(container, header, card(null,
      h('p', { class: 'text-sm', text: 'Two-factor sign-in is already on for your account.' }),
      h('p', { class: 'mt-4' }, h('a', { href: '#/account', text: 'Back to Account' }))));
    return;
  }

  const setup = await api.beginTwoFactorSetup();
  const slot = messageSlot();
  const code = input({ name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, maxlength: 6, pattern: '[0-9]{6}' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Turn on two-factor sign-in' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Confirm two-factor sign-in' },
    slot.element,
    field({ label: 'Code from the app', control: code, name: 'code', hint: 'The 6 digits the app shows for MediVault.' }),
    submit);

  const steps = card('1. Add MediVault to your authenticator app',
    h('p', { class: 'text-sm text-slate-700', text: 'Scan this QR code with an authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password or FreeOTP).' }),
    h('img', { src: setup.qrCodePng, alt: 'QR code for your authenticator app', width: 200, height: 200, class: 'my-4 h-48 w-48' }),
    h('p', { class: 'text-sm text-slate-700', text: 'Cannot scan? Type this key into the app instead:' }),
    h('p', { class: 'mt-1 break-all font-mono text-sm', 'aria-label': 'Key for your authenticator app', text: setup.sharedKey }));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    if (!/^\d{6}$/.test(code.value.trim())) {
      slot.show('error', 'Enter the 6 digits your authenticator app shows.');
      code.focus();
      return;
    }
    await busy(submit, 'Checking…', async () => {
      try {
        const answer = await api.confirmTwoFactorSetup(code.value.trim());
        const updated = { ...user, twoFactorEnabled: true };
        setUser(updated);
        const continuation = authorizeContinuation(query);
        const done = h('button', {
          type: 'button',
          class: 'btn btn-primary mt-4',
          text: 'I have saved them: continue',
          onClick: () => (continuation ? location.assign(continuation) : navigate(homeRoute(updated))),
        });
        replace(container, header,
          card('Two-factor sign-in is on', messageSlot().element, recoveryCodesList(answer.codes), done));
        done.focus();
      } catch (error) {
        code.value = '';
        showFormError(form, slot, error);
        code.focus();
      }
    });
  });

  replace(container, header,
    h('div', { class: 'grid items-start gap-6 lg:grid-cols-2' },
      steps,
      card('2. Confirm with a code', form)));
}
