// Sign in with email and password (the server sets the HttpOnly session cookie), or with Google when offered.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { pluralize } from '../format.js';
import { authorizeContinuation, homeRoute, nextParameter, setUser } from '../session.js';
import { busy, card, describeError, field, input, messageSlot } from '../ui.js';

const LOCKED_OUT = 'This account is locked for a while after too many failed sign-in attempts. Wait 15 minutes, then try again.';

/** Returns [kind, message] for a failed sign-in. */
export function signInErrorMessage(error) {
  if (!(error instanceof api.ApiError)) return ['error', describeError(error)];
  const said = `${error.title ?? ''} ${error.detail ?? ''}`;
  if (error.status === 423 || /lock/i.test(said)) return ['error', error.detail && /lock/i.test(error.detail) ? error.detail : LOCKED_OUT];
  if (error.status === 401) return ['error', 'The email or password is not correct.'];
  if (error.status === 403) return ['error', error.detail || 'This account cannot sign in right now.'];
  return ['error', describeError(error)];
}

function safeNext(query) {
  const next = query.get('next');
  return next && /^#\/[\w\-/?=&%.]*$/.test(next) && !next.startsWith('#/sign-in') ? next : null;
}

export async function render(container, { query, navigate }) {
  const slot = messageSlot();
  if (query.get('expired')) slot.show('info', 'Your session has ended. Please sign in again.');
  if (query.get('registered')) slot.show('success', 'Your account is ready. Sign in to continue.');
  if (authorizeContinuation(query)) slot.show('info', 'An app is asking to use your MediVault account. Sign in to continue.');

  const email = input({ type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary w-full', text: 'Sign in' });
  const googleSlot = h('div', { class: 'empty:hidden' });

  let countdown = null;
  const stopCountdown = () => {
    if (countdown) clearInterval(countdown);
    countdown = null;
  };

  function startCountdown(seconds) {
    stopCountdown();
    let left = seconds;
    const tick = () => {
      if (left <= 0) {
        stopCountdown();
        submit.disabled = false;
        slot.show('info', 'You can try signing in again now.');
        return;
      }
      submit.disabled = true;
      slot.show('warning', `Too many sign-in attempts from this device. Try again in ${pluralize(left, 'second')}.`);
      left -= 1;
    };
    tick();
    countdown = setInterval(tick, 1000);
  }

  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Sign in' },
    field({ label: 'Email', control: email, name: 'email' }),
    field({ label: 'Password', control: password, name: 'password' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!email.value.trim() || !password.value) {
      slot.show('error', 'Enter your email and password.');
      (email.value.trim() ? password : email).focus();
      return;
    }
    await busy(submit, 'Signing in…', async () => {
      try {
        const user = await api.login(email.value.trim(), password.value);
        stopCountdown();
        const continuation = authorizeContinuation(query);
        if (continuation) {
          // An app asked for access: back to the authorization request, which asks for consent and answers the app.
          location.assign(continuation);
          return;
        }
        setUser(user);
        navigate(safeNext(query) ?? homeRoute(user));
      } catch (error) {
        password.value = '';
        if (error instanceof api.ApiError && error.status === 429) {
          startCountdown(error.retryAfter ?? 60);
          return;
        }
        const [kind, message] = signInErrorMessage(error);
        slot.show(kind, message);
        password.focus();
      }
    });
    if (countdown) submit.disabled = true;
  });

  replace(container,
    h('div', { class: 'mx-auto max-w-md' },
      h('h1', { class: 'mb-1 text-2xl font-bold tracking-tight', text: 'Sign in to MediVault' }),
      h('p', { class: 'mb-6 text-sm text-slate-600' }, 'New here? ', h('a', { href: `#/register${nextParameter(query, '?')}`, text: 'Create an account' }), '.'),
      card(null, slot.element, form, googleSlot)));

  const providers = await api.getProviders();
  if (providers.google) {
    replace(googleSlot,
      h('div', { class: 'my-4 flex items-center gap-3 text-xs text-slate-600' },
        h('span', { class: 'h-px flex-1 bg-slate-200' }), 'or', h('span', { class: 'h-px flex-1 bg-slate-200' })),
      h('a', { href: api.googleSignInUrl, class: 'btn btn-secondary w-full', text: 'Sign in with Google' }));
  }

  return stopCountdown;
}
