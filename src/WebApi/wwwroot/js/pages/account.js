// The signed-in person's account: name (and a doctor's specialty), the password, two-factor sign-in, and the connected apps.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { isDoctor, setUser } from '../session.js';
import {
  busy, card, clearFieldErrors, confirmDialog, confirmThenRun, emptyState, field, input, loading, messageSlot, pageHeader, setFieldError,
  showCheckFailures, showFormError, toast,
} from '../ui.js';
// issue 15: client-side checks mirroring the server's rules
import { checks, validate } from '../validation.js';
import { recoveryCodesList } from './two-factor-setup.js';
import { createPasskey, describePasskeyError, passkeysSupported } from '../passkeys.js';

function profileForm(user) {
  const slot = messageSlot();
  const fullName = input({ name: 'fullName', autocomplete: 'name', required: true, maxlength: 200, value: user.fullName });
  const specialty = isDoctor(user) ? input({ name: 'specialty', autocomplete: 'off', maxlength: 100, value: user.specialty ?? '' }) : null;
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save changes' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Your details' },
    slot.element,
    h('dl', { class: 'grid gap-1 text-sm sm:grid-cols-[10rem_1fr]' },
      h('dt', { class: 'font-medium text-slate-700', text: 'Email' }), h('dd', { class: 'break-all', text: user.email }),
      h('dt', { class: 'font-medium text-slate-700', text: 'Account' }), h('dd', { text: isDoctor(user) ? 'Doctor' : 'Patient' }),
      user.licenseNumber ? [h('dt', { class: 'font-medium text-slate-700', text: 'Licence number' }), h('dd', { text: user.licenseNumber })] : null,
      h('dt', { class: 'font-medium text-slate-700', text: 'Member since' }), h('dd', { text: formatDateTime(user.createdAt) })),
    field({ label: 'Full name', control: fullName, name: 'fullName' }),
    specialty ? field({ label: 'Specialty', control: specialty, name: 'specialty' }) : null,
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    // issue 15 (begin): the server's rules, checked first, at the fields
    const failures = validate([
      [fullName, checks.required('your full name'), checks.maxLength(200)],
      ...(specialty ? [[specialty, checks.maxLength(100)]] : []),
    ]);
    if (showCheckFailures(form, slot, failures)) return;
    // issue 15 (end)
    await busy(submit, 'Saving…', async () => {
      try {
        const updated = await api.updateMe({ fullName: fullName.value.trim(), specialty: specialty ? specialty.value.trim() || undefined : undefined });
        setUser({ ...user, ...updated });
        slot.show('success', 'Your details are saved.');
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });
  return form;
}

function passwordForm() {
  const slot = messageSlot();
  const current = input({ type: 'password', name: 'currentPassword', autocomplete: 'current-password', required: true });
  const next = input({ type: 'password', name: 'newPassword', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Change password' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Change password' },
    slot.element,
    field({ label: 'Current password', control: current, name: 'currentPassword' }),
    field({ label: 'New password', control: next, name: 'newPassword', hint: 'At least 8 characters. Common passwords are refused.' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    // issue 15 (begin): the server's rules, checked first, at the fields
    const failures = validate([
      [current, checks.required('your current password')],
      [next, checks.required('a new password'), checks.minLength(8), checks.maxLength(128)],
    ]);
    if (showCheckFailures(form, slot, failures)) return;
    // issue 15 (end)
    await busy(submit, 'Changing…', async () => {
      try {
        await api.changePassword(current.value, next.value);
        form.reset();
        slot.show('success', 'Your password is changed. Every other device where you were signed in has been signed out.');
        toast('Password changed.');
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });
  return form;
}

/** Two-factor sign-in: its state, new recovery codes, and turning it off (each with a current code). */
function twoFactorSection(user) {
  const area = h('div', { 'aria-live': 'polite' }, loading('Loading…'));

  function codeForm(label, buttonText, buttonClass, hint, action) {
    const slot = messageSlot();
    const code = input({ name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 32 });
    const submit = h('button', { type: 'submit', class: `btn ${buttonClass}`, text: buttonText });
    const form = h('form', { class: 'space-y-3', novalidate: true, 'aria-label': label },
      slot.element, field({ label: `Code to ${label.toLowerCase()}`, control: code, name: 'code', hint }), submit);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      slot.clear();
      if (!code.value.trim()) {
        setFieldError(code, 'Enter the code from your authenticator app.');
        code.focus();
        return;
      }
      await busy(submit, 'Checking…', async () => {
        try {
          await action(code.value.trim(), slot);
          code.value = '';
        } catch (error) {
          code.value = '';
          showFormError(form, slot, error);
        }
      });
    });
    return form;
  }

  async function load() {
    let status;
    try {
      status = await api.twoFactorStatus();
    } catch {
      replace(area, h('p', { class: 'alert alert-error', role: 'alert', text: 'The two-factor settings could not be loaded. Reload the page to try again.' }));
      return;
    }
    if (!status.enabled) {
      replace(area,
        h('p', { class: 'text-sm text-slate-700', text: 'Off. Turn it on to sign in with your password and a code from an authenticator app.' }),
        h('a', { href: '#/two-factor-setup', class: 'btn btn-primary mt-3', text: 'Set up two-factor sign-in' }));
      return;
    }
    const codesArea = h('div');
    replace(area,
      h('p', { class: 'text-sm text-slate-700', text: `On. ${status.recoveryCodesLeft} of 10 recovery codes left.` }),
      codesArea,
      codeForm('Get new recovery codes', 'New recovery codes', 'btn-secondary', 'A current code from your app. The old recovery codes stop working.',
        async (code, slot) => {
          const answer = await api.regenerateRecoveryCodes(code);
          slot.show('success', 'New recovery codes are ready; the old ones no longer work.');
          replace(codesArea, recoveryCodesList(answer.codes));
        }),
      codeForm('Turn off', 'Turn off two-factor sign-in', 'btn-danger-outline',
        status.required ? 'Doctors must use it: you will set it up again at once (for example on a new phone).' : 'A current code or a recovery code.',
        async (code) => {
          await api.disableTwoFactor(code);
          const updated = { ...user, twoFactorEnabled: false };
          setUser(updated);
          toast('Two-factor sign-in is off.', 'info');
          if (status.required) location.hash = '#/two-factor-setup';
          else load();
        }));
  }

  load();
  return area;
}

/** Passkeys: sign in with the device's lock (fingerprint, face, PIN) instead of the password and code; add with a name, remove. */
function passkeysSection() {
  const list = h('div', { 'aria-live': 'polite' }, loading('Loading passkeys…'));
  const slot = messageSlot();
  const name = input({ name: 'name', autocomplete: 'off', required: true, maxlength: 50 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add a passkey' });
  const form = h('form', { class: 'space-y-3', novalidate: true, 'aria-label': 'Add a passkey' },
    slot.element,
    field({ label: 'Passkey name', control: name, name: 'name', hint: 'How you will recognise it, for example "Work laptop".' }),
    submit);

  async function load() {
    let passkeys;
    try {
      passkeys = await api.listPasskeys();
    } catch {
      replace(list, h('p', { class: 'alert alert-error', role: 'alert', text: 'Your passkeys could not be loaded. Reload the page to try again.' }));
      return;
    }
    if (passkeys.length === 0) {
      replace(list, emptyState('No passkey yet. With one, you sign in with this device\'s lock instead of your password and code.'));
      return;
    }
    replace(list, h('ul', { class: 'space-y-3', 'aria-label': 'Passkeys' },
      passkeys.map((passkey) => h('li', { class: 'flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 p-3' },
        h('div', { class: 'min-w-0' },
          h('p', { class: 'break-words font-medium', text: passkey.name }),
          h('p', { class: 'text-sm text-slate-600', text: `Added ${formatDateTime(passkey.createdAt)}${passkey.backedUp ? ' · synced' : ''}` })),
        h('button', {
          type: 'button',
          class: 'btn btn-danger-outline btn-small',
          text: 'Remove',
          'aria-label': `Remove passkey ${passkey.name}`,
          onClick: async () => {
            const removed = await confirmThenRun({
              title: `Remove the passkey "${passkey.name}"?`,
              message: 'It will no longer sign you in. You can still sign in with your password.',
              confirmText: 'Remove',
            }, () => api.removePasskey(passkey.id), 'Passkey removed.');
            if (removed) load();
          },
        })))));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    const failures = validate([[name, checks.required('a name for the passkey'), checks.maxLength(50)]]);
    if (showCheckFailures(form, slot, failures)) return;
    await busy(submit, 'Waiting for your device…', async () => {
      try {
        const { ceremony, options } = await api.passkeyRegistrationOptions();
        await api.addPasskey(ceremony, await createPasskey(options), name.value.trim());
        form.reset();
        slot.show('success', 'Passkey added. Next time, choose "Sign in with a passkey".');
        load();
      } catch (error) {
        const refused = describePasskeyError(error);
        if (refused) slot.show('error', refused);
        else showFormError(form, slot, error);
      }
    });
  });

  load();
  return h('div', { class: 'space-y-4' },
    h('p', { class: 'text-sm text-slate-600', text: 'Sign in with your fingerprint, face or device PIN instead of your password and code.' }),
    list,
    passkeysSupported() ? form : h('p', { class: 'text-sm text-slate-700', text: 'This browser cannot create passkeys.' }));
}

/** Apps the person let act for them (OAuth consents): what each may do, since when, and a Revoke that ends it now. */
function connectedApps() {
  const list = h('div', { 'aria-live': 'polite' }, loading('Loading connected apps…'));

  async function load() {
    let apps;
    try {
      apps = await api.listConnectedApps();
    } catch (error) {
      replace(list, h('p', { class: 'alert alert-error', role: 'alert', text: 'Connected apps could not be loaded. Reload the page to try again.' }));
      return;
    }
    if (apps.length === 0) {
      replace(list, emptyState('No app is connected to your account. When a portal asks for access and you allow it, it appears here.'));
      return;
    }
    replace(list, h('ul', { class: 'space-y-4', 'aria-label': 'Connected apps' },
      apps.map((app) => h('li', { class: 'rounded-lg border border-slate-200 p-4' },
        h('h3', { class: 'font-semibold', text: app.clientName }),
        h('p', { class: 'text-sm text-slate-600', text: `Allowed ${formatDateTime(app.grantedAt)} · last used ${app.lastUsedAt ? formatDateTime(app.lastUsedAt) : 'never'}` }),
        h('ul', { class: 'mt-2 space-y-1 text-sm', 'aria-label': `What ${app.clientName} may do` },
          app.scopes.map((scope) => h('li', { text: scope.description }))),
        h('button', {
          type: 'button',
          class: 'btn btn-danger-outline btn-small mt-3',
          text: 'Revoke',
          'aria-label': `Revoke ${app.clientName}`,
          onClick: async () => {
            const revoked = await confirmThenRun({
              title: `Revoke ${app.clientName}?`,
              message: `${app.clientName} loses access to your MediVault account now. It would have to ask you again.`,
              confirmText: 'Revoke',
            }, () => api.revokeConnectedApp(app.id), `${app.clientName} no longer has access.`);
            if (revoked) load();
          },
        })))));
  }

  load();
  return h('div', { class: 'space-y-3' },
    h('p', { class: 'text-sm text-slate-600', text: 'Apps you allowed to use your MediVault account. Revoking one ends its access at once.' }),
    list);
}

// The two forms that ask for the password again before acting on the whole account: the field, the form's own message
// slot, and the same check that something was typed before `act` runs with it.
function passwordConfirmedForm({ name, intro, label, submitText, submitClass, act }) {
  const slot = messageSlot();
  const password = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: `btn ${submitClass}`, text: submitText });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': name },
    slot.element,
    h('p', { class: 'text-sm text-slate-700', text: intro }),
    field({ label, control: password, name: 'password' }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    clearFieldErrors(form);
    if (!password.value) {
      setFieldError(password, 'Enter your password to confirm it is you.');
      password.focus();
      return;
    }
    await act({ password: password.value, form, slot, submit });
  });
  return form;
}

// Taking everything out: the password again, then the browser downloads the ZIP by following a link.
function exportForm() {
  return passwordConfirmedForm({
    name: 'Download my data',
    intro: 'One ZIP file with every record (decrypted), your emergency profile, your access log and your ledger entries. Keep it safe: it is not encrypted.',
    label: 'Password to download',
    submitText: 'Download my data',
    submitClass: 'btn-secondary',
    act: ({ password, form, slot, submit }) => busy(submit, 'Checking…', async () => {
      try {
        await api.reauthenticate(password);
        form.reset();
        const link = h('a', { href: api.exportUrl, download: '', class: 'hidden' });
        document.body.append(link);
        link.click();
        link.remove();
        slot.show('success', 'Your download has started. Large vaults take a while.');
      } catch (error) {
        showFormError(form, slot, error);
      }
    }),
  });
}

// Deleting the account: the password, then a confirmation that says what is lost.
function deleteForm(navigate) {
  return passwordConfirmedForm({
    name: 'Delete my account',
    intro: 'Your files are erased for good, with your emergency profile, QR codes, grants and sessions. The ledger keeps only anonymous hashes. This cannot be undone.',
    label: 'Password to delete',
    submitText: 'Delete my account',
    submitClass: 'btn-danger',
    act: async ({ password, form, slot, submit }) => {
      const sure = await confirmDialog({
        title: 'Delete your account for good?',
        message: 'Every file, your emergency profile, QR codes and grants are erased now. Download your data first if you want to keep it.',
        confirmText: 'Delete for good',
        danger: true,
      });
      if (!sure) return;
      await busy(submit, 'Deleting…', async () => {
        try {
          await api.deleteAccount(password);
          setUser(null);
          toast('Your account is deleted.', 'info');
          navigate('#/sign-in');
        } catch (error) {
          showFormError(form, slot, error);
        }
      });
    },
  });
}

export function render(container, { user, navigate }) {
  replace(container,
    pageHeader('Account', 'Your details, your password and passkeys, the apps you connected and your data.'),
    h('div', { class: 'grid items-start gap-6 lg:grid-cols-2' },
      card('Your details', profileForm(user)),
      card('Password', passwordForm()),
      card('Two-factor sign-in', twoFactorSection(user)),
      card('Passkeys', passkeysSection()),
      card('Connected apps', connectedApps()),
      isDoctor(user) ? null : card('Your data', exportForm()),
      card('Delete account', deleteForm(navigate))));
}
