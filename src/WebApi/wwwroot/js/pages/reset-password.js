// The page a reset link opens: /#/reset-password?token=… (the token rides in the fragment, which no server sees).
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { setUser } from '../session.js';
import { busy, card, field, input, messageSlot, setFieldError, showCheckFailures, showFormError } from '../ui.js';
import { checks, validate } from '../validation.js';

export function render(container, { query, navigate }) {
  const token = query.get('token') ?? '';
  // The token is kept in memory only: out of the address bar and the browser's history.
  if (token) history.replaceState(null, '', '#/reset-password');

  const slot = messageSlot();
  const password = input({ type: 'password', name: 'newPassword', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const again = input({ type: 'password', name: 'confirmPassword', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary w-full', text: 'Set new password' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Choose a new password' },
    field({ label: 'New password', control: password, name: 'newPassword', hint: 'At least 8 characters. Common passwords are refused.' }),
    field({ label: 'New password again', control: again, name: 'confirmPassword' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    const failures = validate([
      [password, checks.required('a new password'), checks.minLength(8), checks.maxLength(128)],
      [again, checks.required('the new password again')],
    ]);
    if (showCheckFailures(form, slot, failures)) return;
    if (password.value !== again.value) {
      setFieldError(again, 'The two passwords are not the same.');
      slot.show('error', 'Please correct the field marked below.');
      again.focus();
      return;
    }
    await busy(submit, 'Saving…', async () => {
      try {
        await api.resetPassword(token, password.value);
        setUser(null);
        navigate('#/sign-in?reset=1');
      } catch (error) {
        if (error instanceof api.ApiError && error.errors?.token) {
          slot.show('error', 'This reset link is invalid, has expired or has already been used.',
            h('a', { href: '#/forgot-password', class: 'ml-1', text: 'Ask for a new link' }));
          return;
        }
        showFormError(form, slot, error);
      }
    });
  });

  replace(container,
    h('div', { class: 'mx-auto max-w-md' },
      h('h1', { class: 'mb-1 text-2xl font-bold tracking-tight', text: 'Choose a new password' }),
      h('p', { class: 'mb-6 text-sm text-slate-600', text: 'After the change you are signed out everywhere; sign in again with the new password.' }),
      token
        ? card(null, slot.element, form)
        : card(null, h('p', { class: 'alert alert-error', role: 'alert', text: 'This page needs the link from the reset email.' }),
          h('p', { class: 'mt-4 text-sm' }, h('a', { href: '#/forgot-password', text: 'Ask for a reset link' })))));
}
