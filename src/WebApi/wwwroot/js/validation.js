// Client-side checks that mirror the server's rules (the server still checks everything), in plain words.
// Each check returns null when the value is fine, or the message to show at the field.

/** Same rule as the server's EmergencyContact.IsPhoneLike: 3 to 15 digits, separators, an optional leading +. */
export function isPhoneLike(phone) {
  if (!phone || phone.length > 40 || phone !== phone.trim()) return false;
  let digits = 0;
  for (let i = 0; i < phone.length; i += 1) {
    const c = phone[i];
    if (c >= '0' && c <= '9') digits += 1;
    else if (c === '+' ? i !== 0 : !' -.()/'.includes(c)) return false;
  }
  return digits >= 3 && digits <= 15;
}

/** The server's email rule (FluentValidation's EmailAddress): something, an @, something; at most 256 characters. */
export function isEmailLike(email) {
  return email.length <= 256 && /^[^@\s]+@[^@\s]+$/.test(email);
}

export const checks = {
  required: (what) => (value) => (String(value ?? '').trim() ? null : `Enter ${what}.`),
  maxLength: (max) => (value) => (String(value ?? '').length > max ? `Use at most ${max} characters.` : null),
  minLength: (min) => (value) => (String(value ?? '').length < min ? `Use at least ${min} characters.` : null),
  phone: () => (value) => (!value || isPhoneLike(value.trim())
    ? null
    : 'Enter a phone number: 3 to 15 digits, with an optional + at the start and spaces, dashes, dots or brackets.'),
  email: () => (value) => (!value || isEmailLike(value.trim()) ? null : 'Enter an email address, like doctor@example.com.'),
  dateBetween: (min, max, tooEarly, tooLate) => (value) => {
    if (!value) return null;
    if (value < min) return tooEarly;
    if (value > max) return tooLate;
    return null;
  },
};

/** Runs rules [[control, check, …], …] and returns [[control, message], …] for the first failing check of each control. */
export function validate(rules) {
  const failures = [];
  for (const [control, ...controlChecks] of rules) {
    for (const check of controlChecks) {
      const message = check(control.value);
      if (message) {
        failures.push([control, message]);
        break;
      }
    }
  }
  return failures;
}

/**
 * The server's messages name the field in its API spelling ("name is required.", "fullName must be at most 200
 * characters."); shown next to the field, they read better without it.
 */
export function plainWords(message, fieldName = '') {
  const text = String(message).trim();
  const field = String(fieldName).split('.').pop().replace(/\[\d+\]$/, '');
  let match = /^\S+ (?:is required|cannot be empty)\.?$/i.exec(text);
  if (match) return 'This is required.';
  match = /^\S+ (?:is longer than|must be at most) (\d+) characters\.?$/i.exec(text);
  if (match) return `Use at most ${match[1]} characters.`;
  match = /^\S+ must be at least (\d+) characters\.?$/i.exec(text);
  if (match) return `Use at least ${match[1]} characters.`;
  if (field && text.toLowerCase().startsWith(`${field.toLowerCase()} `)) {
    const rest = text.slice(field.length + 1);
    return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return text;
}
