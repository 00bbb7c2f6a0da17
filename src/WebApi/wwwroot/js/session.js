// Who is signed in, kept in memory only (the session itself is the HttpOnly cookie).

let currentUser = null;
const listeners = new Set();

export function getUser() {
  return currentUser;
}

export function setUser(user) {
  currentUser = user ?? null;
  for (const listener of listeners) listener(currentUser);
}

export function onUserChange(listener) {
  listeners.add(listener);
}

export function isPatient(user = currentUser) {
  return user?.accountType === 'patient';
}

export function isDoctor(user = currentUser) {
  return user?.accountType === 'doctor';
}

/** A doctor without two-factor sign-in may do nothing else until it is set up (the server enforces it too). */
export function mustSetUpTwoFactor(user = currentUser) {
  return isDoctor(user) && !user.twoFactorEnabled;
}

/** Where a signed-in user starts. */
export function homeRoute(user = currentUser) {
  if (mustSetUpTwoFactor(user)) return '#/two-factor-setup';
  if (isDoctor(user)) return '#/doctor';
  if (isPatient(user)) return '#/dashboard';
  return '#/';
}

/**
 * A sign-in started by an app asking for access (OAuth): `next` is the server's /connect/authorize URL to go back to.
 * Only that exact same-origin path is accepted, never another site.
 */
export function authorizeContinuation(query) {
  const next = query.get('next');
  return next && /^\/connect\/authorize\?[^\s#\\]*$/.test(next) ? next : null;
}

/** Carries an authorization continuation from sign-in to register and back: `&next=…` (or `?next=…`), or ''. */
export function nextParameter(query, separator = '&') {
  const continuation = authorizeContinuation(query);
  return continuation ? `${separator}next=${encodeURIComponent(continuation)}` : '';
}

/**
 * Where to go once signed in: the two-factor setup first for a doctor without it (carrying an app's authorization
 * request along), else back to the app that asked, else `fallback` or the person's start page.
 */
export function continueAfterSignIn(user, query, navigate, fallback = null) {
  const continuation = authorizeContinuation(query);
  setUser(user);
  if (mustSetUpTwoFactor(user)) {
    navigate(`#/two-factor-setup${continuation ? `?next=${encodeURIComponent(continuation)}` : ''}`);
    return;
  }
  if (continuation) {
    // An app asked for access: back to the authorization request, which asks for consent and answers the app.
    location.assign(continuation);
    return;
  }
  navigate(fallback ?? homeRoute(user));
}
