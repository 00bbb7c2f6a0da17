// "Forgot password?": asks for a reset email. The answer never says whether an account has the email.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { busy, card, field, input, messageSlot, showCheckFailures, showFormError } from '../ui.js';
import { checks, validate } from '../validation.js';

export function render(container) {
  const slot = messageSlot();
  const email = input({ type: 'email', name: 'email', autocomplete: 'username', required: true, maxlength: 256 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary w-full', text: 'Send reset link' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Forgot password' },
    field({ label: 'Email', control: email, name: 'email' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    const failures = validate([[email, checks.required('your email'), checks.email()]]);
    if (showCheckFailures(form, slot, failures)) return;
    await busy(submit, 'Sending…', async () => {
      try {
        await api.forgotPassword(email.value.trim());
        form.reset();
        slot.show('success', 'If an account has this email, a reset link is on its way. It works once, for 30 minutes. Check your inbox (and spam folder).');
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });

  replace(container,
    h('div', { class: 'mx-auto max-w-md' },
      h('h1', { class: 'mb-1 text-2xl font-bold tracking-tight', text: 'Forgot your password?' }),
      h('p', { class: 'mb-6 text-sm text-slate-600', text: 'Enter the email of your account. We will send you a link to choose a new password.' }),
      card(null, slot.element, form,
        h('p', { class: 'mt-4 text-center text-sm' }, h('a', { href: '#/sign-in', text: 'Back to sign in' })))));
}
