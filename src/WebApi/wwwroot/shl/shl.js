// The SMART Health Link viewer: /shl#shlink:/<base64url JSON>.
// The link (its manifest address and its key) is read from the fragment, which the browser never sends; only the
// manifest address, the viewer's name and the passcode are sent, to the server named in the link. Content is decrypted
// here with WebCrypto (JWE compact, alg "dir", enc "A256GCM", optional zip "DEF"). Everything from the link or the
// server is inserted as text (textContent), never as markup.

const SEVERITY_ORDER = { severe: 0, moderate: 1, mild: 2 };
const byId = (id) => document.getElementById(id);

function show(node, visible = true) {
  node.hidden = !visible;
}

function setText(id, text) {
  const node = byId(id);
  node.textContent = text;
  return node;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function base64UrlToBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function base64ToBytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The link's payload from the fragment: #shlink:/… (also after a viewer prefix ending in #). */
export function payloadFromFragment(hash) {
  const index = hash.indexOf('shlink:/');
  if (index < 0) return null;
  try {
    const payload = JSON.parse(new TextDecoder().decode(base64UrlToBytes(hash.slice(index + 'shlink:/'.length))));
    if (typeof payload.url !== 'string' || typeof payload.key !== 'string' || !/^https?:\/\//.test(payload.url)) return null;
    if (base64UrlToBytes(payload.key).length !== 32) return null;
    return payload;
  } catch {
    return null;
  }
}

async function inflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decrypts a JWE compact serialization with the link's key: alg "dir", enc "A256GCM", optional zip "DEF". */
export async function decryptJwe(jwe, keyText) {
  const parts = jwe.trim().split('.');
  if (parts.length !== 5) throw new Error('not a JWE');
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts;
  const header = JSON.parse(new TextDecoder().decode(base64UrlToBytes(protectedHeader)));
  if (header.alg !== 'dir' || header.enc !== 'A256GCM' || encryptedKey !== '') throw new Error('unsupported JWE');
  const key = await crypto.subtle.importKey('raw', base64UrlToBytes(keyText), { name: 'AES-GCM' }, false, ['decrypt']);
  const sealed = new Uint8Array([...base64UrlToBytes(ciphertext), ...base64UrlToBytes(tag)]);
  const plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64UrlToBytes(iv), additionalData: new TextEncoder().encode(protectedHeader), tagLength: 128 },
    key, sealed));
  const content = header.zip === 'DEF' ? await inflateRaw(plain) : plain;
  return { contentType: header.cty, text: new TextDecoder().decode(content) };
}

function showProblem(title, detail) {
  setText('problem-title', title);
  setText('problem-detail', detail);
  show(byId('loading'), false);
  show(byId('open-form'), false);
  show(byId('summary'), false);
  show(byId('problem'));
}

function noLongerAvailable() {
  showProblem('This link is no longer available',
    'It has expired, been revoked by the person who shared it, or been locked after too many wrong passcodes. Ask them for a new link.');
}

function formatDateTime(epochSecondsOrIso) {
  const date = typeof epochSecondsOrIso === 'number' ? new Date(epochSecondsOrIso * 1000) : new Date(epochSecondsOrIso);
  return Number.isNaN(date.getTime()) ? String(epochSecondsOrIso) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function fillList(id, items, renderItem) {
  const list = byId(id);
  list.replaceChildren();
  if (items.length === 0) {
    list.append(element('li', 'empty', 'None recorded'));
    return;
  }
  for (const item of items) list.append(renderItem(item));
}

function textOf(concept) {
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? '';
}

function renderSummary(bundle) {
  const resources = (bundle.entry ?? []).map((e) => e.resource).filter(Boolean);
  const ofType = (type) => resources.filter((r) => r.resourceType === type);
  const patient = ofType('Patient')[0] ?? {};
  const name = patient.name?.[0]?.text ?? [patient.name?.[0]?.given?.join(' '), patient.name?.[0]?.family].filter(Boolean).join(' ');
  setText('patient-name', name || 'Patient');
  if (patient.birthDate) show(setText('date-of-birth', `Born ${patient.birthDate}`));

  const blood = ofType('Observation').find((o) => o.code?.coding?.some((c) => c.code === '882-1'));
  setText('blood-type', blood ? textOf(blood.valueCodeableConcept) || 'Unknown' : 'Unknown');

  const allergies = ofType('AllergyIntolerance').map((a) => {
    const reactionSeverity = a.reaction?.[0]?.severity;
    const severity = a.criticality === 'high' ? 'severe' : (reactionSeverity ?? '');
    return { substance: textOf(a.code), reaction: textOf(a.reaction?.[0]?.manifestation?.[0]), severity };
  }).sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
  fillList('allergies', allergies, (allergy) => {
    const item = element('li', allergy.severity === 'severe' ? 'severe' : '');
    item.append(element('span', 'name', allergy.substance));
    if (allergy.severity) item.append(element('span', 'severity', allergy.severity === 'severe' ? 'Severe' : allergy.severity));
    if (allergy.reaction) item.append(element('span', 'detail', allergy.reaction));
    return item;
  });
  fillList('conditions', ofType('Condition'), (condition) => {
    const item = element('li');
    item.append(element('span', 'name', textOf(condition.code)));
    const notes = condition.note?.[0]?.text;
    if (notes) item.append(element('span', 'detail', notes));
    return item;
  });
  fillList('medications', ofType('MedicationStatement'), (statement) => {
    const item = element('li');
    item.append(element('span', 'name', textOf(statement.medicationCodeableConcept)));
    const dosage = statement.dosage?.[0]?.text;
    if (dosage) item.append(element('span', 'detail', dosage));
    return item;
  });
  fillList('contacts', patient.contact ?? [], (contact) => {
    const item = element('li');
    item.append(element('span', 'name', contact.name?.text ?? ''));
    const relationship = contact.relationship?.map(textOf).filter((t) => t && t !== 'Emergency Contact').join(', ');
    if (relationship) item.append(element('span', 'detail', relationship));
    const phone = contact.telecom?.find((t) => t.system === 'phone')?.value;
    if (phone) {
      const link = element('a', '', phone);
      link.href = `tel:${phone.replace(/[^0-9+]/g, '')}`;
      item.append(element('br'), link);
    }
    return item;
  });
  show(byId('details'));
}

function addFile(documentReference) {
  const attachment = documentReference.content?.[0]?.attachment ?? {};
  const title = attachment.title || documentReference.description || 'Shared file';
  const item = element('li');
  item.append(element('span', 'name', title));
  if (attachment.data) {
    const blob = new Blob([base64ToBytes(attachment.data)], { type: 'application/octet-stream' });
    const link = element('a', '', 'Download');
    link.href = URL.createObjectURL(blob);
    link.download = title;
    item.append(element('br'), link);
  } else {
    item.append(element('span', 'detail', 'The file\'s content is not included in the link.'));
  }
  byId('files').append(item);
  show(byId('files-section'));
}

async function fileContent(file) {
  if (typeof file.embedded === 'string') return file.embedded;
  const response = await fetch(file.location, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!response.ok) throw new Error(`file ${response.status}`);
  return response.text();
}

async function showContent(files, key) {
  let shown = 0;
  for (const file of files) {
    const { text } = await decryptJwe(await fileContent(file), key);
    const resource = JSON.parse(text);
    if (resource.resourceType === 'Bundle') {
      renderSummary(resource);
      shown += 1;
    } else if (resource.resourceType === 'DocumentReference') {
      addFile(resource);
      shown += 1;
    }
  }
  setText('summary-source', shown === 0 ? 'The link holds nothing this viewer can show.' : `Opened ${formatDateTime(new Date().toISOString())}.`);
  show(byId('loading'), false);
  show(byId('open-form'), false);
  show(byId('summary'));
}

function fieldError(inputId, errorId, message) {
  const input = byId(inputId);
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  show(setText(errorId, message ?? ''), Boolean(message));
  if (message) input.focus();
}

async function requestManifest(payload, recipient, passcode) {
  const options = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if ((payload.flag ?? '').includes('U')) {
    const url = new URL(payload.url);
    url.searchParams.set('recipient', recipient);
    const response = await fetch(url, options);
    if (!response.ok) return { response };
    return { files: [{ embedded: await response.text() }] };
  }
  const body = { recipient };
  if (passcode) body.passcode = passcode;
  const response = await fetch(payload.url, {
    ...options,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) return { response };
  return { files: (await response.json()).files ?? [] };
}

async function open(payload) {
  const recipient = byId('recipient').value.trim();
  fieldError('recipient', 'recipient-error', recipient ? null : 'Enter your name.');
  if (!recipient) return;
  const needsPasscode = (payload.flag ?? '').includes('P');
  const passcode = byId('passcode').value;
  if (needsPasscode && !passcode) {
    fieldError('passcode', 'passcode-error', 'Enter the passcode you were given with the link.');
    return;
  }

  const button = byId('open');
  button.disabled = true;
  button.textContent = 'Opening…';
  try {
    const { response, files } = await requestManifest(payload, recipient, needsPasscode ? passcode : null);
    if (response) {
      await explainRefusal(response);
      return;
    }
    await showContent(files, payload.key);
  } catch {
    showProblem('The link could not be opened',
      'The server could not be reached, does not allow this viewer, or sent content that does not decrypt with this link\'s key.');
  } finally {
    button.disabled = false;
    button.textContent = 'Open';
  }
}

async function explainRefusal(response) {
  if (response.status === 404) {
    noLongerAvailable();
    return;
  }
  if (response.status === 401) {
    let remaining = null;
    try {
      remaining = (await response.json()).remainingAttempts;
    } catch {
      remaining = null;
    }
    if (remaining === 0) {
      noLongerAvailable();
      return;
    }
    fieldError('passcode', 'passcode-error', typeof remaining === 'number'
      ? `Wrong passcode. ${remaining} ${remaining === 1 ? 'attempt' : 'attempts'} left.`
      : 'Wrong passcode.');
    return;
  }
  if (response.status === 429) {
    const seconds = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    showProblem('Too many attempts', Number.isFinite(seconds) ? `Wait ${seconds} seconds, then reload the page.` : 'Wait a minute, then reload the page.');
    return;
  }
  showProblem('The link could not be opened', `The server answered with status ${response.status}.`);
}

function start() {
  const payload = payloadFromFragment(window.location.hash);
  if (!payload) {
    showProblem('Not a SMART Health Link', 'This address does not hold a readable link. Scan the QR code again or ask for the link again.');
    return;
  }
  if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) {
    noLongerAvailable();
    return;
  }
  if (payload.label) setText('link-label', payload.label);
  if (typeof payload.exp === 'number') setText('link-expiry', `Available until ${formatDateTime(payload.exp)}.`);
  show(byId('passcode-field'), (payload.flag ?? '').includes('P'));
  byId('passcode').required = (payload.flag ?? '').includes('P');
  byId('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    open(payload);
  });
  show(byId('loading'), false);
  show(byId('open-form'));
}

start();
