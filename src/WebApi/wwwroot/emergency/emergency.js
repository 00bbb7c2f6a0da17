// The first responder's view of an emergency code: /emergency#t={token} (printed since issue 17: the token stays in
// the fragment, which the browser never sends) or the older /emergency/{token}. Either way the token is posted in a
// request body, out of every URL.
// Everything that comes from the server is inserted as text (textContent), never as markup.

const SEVERITY_ORDER = { severe: 0, moderate: 1, mild: 2 };
const SEVERITY_LABEL = { severe: 'Severe', moderate: 'Moderate', mild: 'Mild' };

const byId = (id) => document.getElementById(id);

function tokenFromAddress() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromFragment = fragment.get('t');
  if (fromFragment) return fromFragment;
  const segments = window.location.pathname.split('/').filter((s) => s.length > 0);
  return segments.length === 2 && segments[0] === 'emergency' ? segments[1] : '';
}

function show(element, visible = true) {
  element.hidden = !visible;
}

function setText(id, text) {
  const element = byId(id);
  element.textContent = text;
  return element;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function formatDate(isoDate) {
  // A date of birth is a calendar date: format it in UTC so no time zone moves it a day.
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? isoDate
    : date.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

function formatDateTime(isoTimestamp) {
  const date = new Date(isoTimestamp);
  return Number.isNaN(date.getTime())
    ? isoTimestamp
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function ageOn(isoDate, today) {
  const [year, month, day] = isoDate.split('-').map(Number);
  let age = today.getUTCFullYear() - year;
  if (today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day)) age -= 1;
  return age;
}

function fillList(id, items, renderItem) {
  const list = byId(id);
  list.replaceChildren();
  if (!items || items.length === 0) {
    list.append(element('li', 'empty', 'None recorded'));
    return;
  }
  for (const item of items) list.append(renderItem(item));
}

function allergyItem(allergy) {
  const severity = String(allergy.severity ?? '').toLowerCase();
  const item = element('li', severity === 'severe' ? 'severe' : '');
  item.append(element('span', 'name', allergy.substance));
  item.append(element('span', 'severity', SEVERITY_LABEL[severity] ?? severity));
  if (allergy.reaction) item.append(element('span', 'detail', allergy.reaction));
  return item;
}

function conditionItem(condition) {
  const item = element('li');
  item.append(element('span', 'name', condition.name));
  if (condition.notes) item.append(element('span', 'detail', condition.notes));
  return item;
}

function medicationItem(medication) {
  const item = element('li');
  item.append(element('span', 'name', medication.name));
  const detail = [medication.dosage, medication.frequency].filter(Boolean).join(', ');
  if (detail) item.append(element('span', 'detail', detail));
  return item;
}

function contactItem(contact) {
  const item = element('li');
  item.append(element('span', 'name', contact.name));
  if (contact.relationship) item.append(element('span', 'detail', contact.relationship));
  const dialable = String(contact.phone ?? '').replace(/[^0-9+]/g, '');
  const link = element('a', '', contact.phone);
  link.href = `tel:${dialable}`;
  link.setAttribute('aria-label', `Call ${contact.name}: ${contact.phone}`);
  item.append(element('br'), link);
  return item;
}

function render(view) {
  const profile = view.emergencyProfile;
  setText('patient-name', view.patientName);
  document.title = `${view.patientName} – emergency medical information`;

  const dateOfBirth = view.dateOfBirth ?? profile?.dateOfBirth;
  if (dateOfBirth) {
    show(setText('date-of-birth', `Born ${formatDate(dateOfBirth)} (age ${ageOn(dateOfBirth, new Date())})`));
  }

  if (profile) {
    setText('blood-type', profile.bloodType === 'unknown' ? 'Unknown' : profile.bloodType);
    const allergies = [...(profile.allergies ?? [])].sort(
      (a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
    fillList('allergies', allergies, allergyItem);
    fillList('conditions', profile.conditions, conditionItem);
    fillList('medications', profile.medications, medicationItem);
    fillList('contacts', profile.emergencyContacts, contactItem);
    setText('organ-donor', `Registered organ donor: ${profile.organDonor ? 'yes' : 'no'}`);
    if (profile.medicalNotes) show(setText('medical-notes', profile.medicalNotes));
    setText('updated-at', `Profile last updated ${formatDateTime(profile.updatedAt)}`);
    show(byId('details'));
  } else {
    show(byId('no-profile'));
  }

  setText('expires-at', `This code is valid until ${formatDateTime(view.expiresAt)}.`);
  show(byId('loading'), false);
  show(byId('profile'));
}

async function problemDetail(response) {
  try {
    const problem = await response.json();
    return typeof problem.detail === 'string' ? problem.detail : '';
  } catch {
    return '';
  }
}

async function describeFailure(response) {
  switch (response.status) {
    case 404:
      return {
        title: 'Unknown emergency code',
        detail: 'This code is not recognised. It may have been copied incompletely or damaged.',
        advice: 'Scan the code again, or ask the patient or their contacts for a current one.',
      };
    case 410:
      return {
        title: 'This emergency code no longer works',
        // The server says which: expired, revoked by the patient, or used as many times as allowed.
        detail: (await problemDetail(response)) || 'It has expired, been revoked or been used up.',
        advice: 'Ask the patient or their contacts for a current code.',
      };
    case 429: {
      const seconds = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
      return {
        title: 'Too many attempts',
        detail: Number.isFinite(seconds)
          ? `Too many codes were tried from this device. Wait ${seconds} seconds, then try again.`
          : 'Too many codes were tried from this device. Wait a minute, then try again.',
        advice: '',
        retry: true,
      };
    }
    default:
      return {
        title: 'The emergency information could not be loaded',
        detail: `The server answered with status ${response.status}.`,
        advice: 'Try again in a moment.',
        retry: true,
      };
  }
}

function showProblem({ title, detail, advice, retry = false }) {
  setText('problem-title', title);
  setText('problem-detail', detail);
  show(setText('problem-advice', advice ?? ''), Boolean(advice));
  show(byId('retry'), retry);
  show(byId('loading'), false);
  show(byId('profile'), false);
  show(byId('problem'));
}

async function load() {
  const token = tokenFromAddress();
  if (!token) {
    showProblem(await describeFailure({ status: 404 }));
    return;
  }

  let response;
  try {
    response = await fetch('/api/qr/access', {
      method: 'POST',
      cache: 'no-store',
      credentials: 'omit',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    showProblem({
      title: 'No connection',
      detail: 'The emergency information could not be reached.',
      advice: 'Check the network connection and try again.',
      retry: true,
    });
    return;
  }

  if (response.ok) {
    render(await response.json());
  } else {
    showProblem(await describeFailure(response));
  }
}

byId('retry').addEventListener('click', () => window.location.reload());
load();
