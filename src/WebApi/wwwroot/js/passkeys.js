// Passkeys (WebAuthn) in the browser: the server's JSON options to navigator.credentials.create/get and the answer
// back to JSON. Uses the browser's own JSON helpers where it has them, else converts the few binary fields itself.

/** Whether this browser can use passkeys at all. */
export function passkeysSupported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

const fromBase64Url = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
};

const toBase64Url = (buffer) => {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const withIds = (list) => (list ?? []).map((c) => ({ ...c, id: fromBase64Url(c.id) }));

function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return { ...json, challenge: fromBase64Url(json.challenge), user: { ...json.user, id: fromBase64Url(json.user.id) }, excludeCredentials: withIds(json.excludeCredentials) };
}

function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: fromBase64Url(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function toJson(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const { response } = credential;
  const encoded = { clientDataJSON: toBase64Url(response.clientDataJSON) };
  if (response.attestationObject) {
    encoded.attestationObject = toBase64Url(response.attestationObject);
    encoded.transports = typeof response.getTransports === 'function' ? response.getTransports() : [];
  } else {
    encoded.authenticatorData = toBase64Url(response.authenticatorData);
    encoded.signature = toBase64Url(response.signature);
    encoded.userHandle = response.userHandle ? toBase64Url(response.userHandle) : null;
  }
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? null,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: encoded,
  };
}

/** Creates a passkey with the server's creation options; answers the credential as JSON. */
export async function createPasskey(options) {
  return toJson(await navigator.credentials.create({ publicKey: creationOptions(options) }));
}

/** Asks for a passkey with the server's request options; answers the assertion as JSON. */
export async function getPasskey(options) {
  return toJson(await navigator.credentials.get({ publicKey: requestOptions(options) }));
}

/** Plain words for what the browser refused (the person cancelled, no passkey, another site's). */
export function describePasskeyError(error) {
  if (error?.name === 'NotAllowedError' || error?.name === 'AbortError') return 'No passkey was used. Try again, or sign in another way.';
  if (error?.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  if (error?.name === 'SecurityError' || error?.name === 'NotSupportedError') return 'This browser cannot use passkeys on this site.';
  return null;
}
