// Sign in with email and password (the server sets the HttpOnly session cookie), or with Google when offered.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { pluralize } from '../format.js';
import { authorizeContinuation, continueAfterSignIn, nextParameter } from '../session.js';
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
  if (query.get('reset')) slot.show('success', 'Your password is changed. Sign in with the new one.');
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
        const answer = await api.login(email.value.trim(), password.value);
        stopCountdown();
        if (answer.challenge) {
          // Two-factor sign-in is on: the password was right, now the code.
          codeStep(container, answer.challenge, { query, navigate });
          return;
        }
        continueAfterSignIn(answer.user, query, navigate, safeNext(query));
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
      card(null, slot.element, form,
        h('p', { class: 'mt-4 text-center text-sm' }, h('a', { href: '#/forgot-password', text: 'Forgot password?' })),
        googleSlot)));

  const providers = await api.getProviders();
  if (providers.google) {
    replace(googleSlot,
      h('div', { class: 'my-4 flex items-center gap-3 text-xs text-slate-600' },
        h('span', { class: 'h-px flex-1 bg-slate-200' }), 'or', h('span', { class: 'h-px flex-1 bg-slate-200' })),
      h('a', { href: api.googleSignInUrl, class: 'btn btn-secondary w-full', text: 'Sign in with Google' }));
  }

  return stopCountdown;
}

/**
 * The second step of a sign-in with two-factor on: a 6-digit code from the authenticator app, or a recovery code.
 * The challenge lives 5 minutes; when it has expired the person starts again with the password.
 */
function codeStep(container, challenge, { query, navigate }) {
  const slot = messageSlot();
  const code = input({
    name: 'code', autocomplete: 'one-time-code', inputmode: 'text', required: true, maxlength: 32, spellcheck: 'false', autocapitalize: 'off',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary w-full', text: 'Verify' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Second sign-in step' },
    field({ label: 'Code', control: code, name: 'code', hint: 'The 6-digit code your authenticator app shows now. Lost your phone? Enter one of your recovery codes.' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    if (!code.value.trim()) {
      slot.show('error', 'Enter the code from your authenticator app.');
      code.focus();
      return;
    }
    await busy(submit, 'Checking…', async () => {
      try {
        const user = await api.loginWithCode(challenge, code.value.trim());
        continueAfterSignIn(user, query, navigate, safeNext(query));
      } catch (error) {
        code.value = '';
        const said = error instanceof api.ApiError ? `${error.detail ?? ''}` : '';
        if (/expired|already used/i.test(said)) {
          slot.show('error', 'This step took too long. Sign in again with your password.',
            h('a', { href: '#/sign-in', class: 'ml-1', text: 'Start again' }));
        } else if (/lock/i.test(said)) {
          slot.show('error', LOCKED_OUT);
        } else if (error instanceof api.ApiError && error.status === 401) {
          slot.show('error', 'That code is not correct. Use the code your app shows now, or a recovery code.');
        } else {
          slot.show('error', describeError(error));
        }
        code.focus();
      }
    });
  });

  replace(container,
    h('div', { class: 'mx-auto max-w-md' },
      h('h1', { class: 'mb-1 text-2xl font-bold tracking-tight', text: 'Two-factor sign-in' }),
      h('p', { class: 'mb-6 text-sm text-slate-600', text: 'Your password is right. Now enter the code from your authenticator app.' }),
      card(null, slot.element, form)));
  code.focus();
}
