// The one module of the web app that talks to the MediVault API (contract: shared/spec/api-v1.md).
//
// Session: the HttpOnly cookie that POST /api/auth/login sets. The tokens in the login answer are ignored
// and nothing is ever kept in web storage. Every state-changing request carries the
// anti-forgery header X-XSRF-TOKEN with the value of the readable XSRF-TOKEN cookie.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json/i;

/** An answer other than 2xx, carrying the problem document's fields. */
export class ApiError extends Error {
  constructor(status, problem = {}, retryAfterSeconds = null) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title ?? null;
    this.detail = problem.detail ?? null;
    this.errors = problem.errors && typeof problem.errors === 'object' ? problem.errors : {};
    this.retryAfter = retryAfterSeconds;
  }
}

/** An upload the user cancelled. */
export class UploadCancelled extends Error {
  constructor() {
    super('Upload cancelled');
    this.name = 'UploadCancelled';
  }
}

let unauthorizedHandler = () => {};

/** Called whenever an authenticated call answers 401 (the session ended): the app goes to sign-in. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      return decodeURIComponent(part.slice(separator + 1).trim());
    }
  }
  return null;
}

function antiForgeryHeaders(method) {
  if (SAFE_METHODS.has(method)) return {};
  const token = readCookie('XSRF-TOKEN');
  return token ? { 'X-XSRF-TOKEN': token } : {};
}

function buildUrl(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function toApiError(response) {
  let problem = {};
  const text = await response.text().catch(() => '');
  if (JSON_TYPES.test(response.headers.get('Content-Type') ?? '')) problem = parseJson(text) ?? {};
  return new ApiError(response.status, problem, parseRetryAfter(response.headers.get('Retry-After')));
}

const networkError = () =>
  new ApiError(0, { title: 'Network error', detail: 'MediVault could not be reached. Check your connection and try again.' });

/**
 * Sends one request. Options: body (sent as JSON), query (object), allow401 (a 401 is an answer, not
 * an ended session: sign-in and the start-up session check).
 */
async function request(method, path, { body, query, allow401 = false } = {}) {
  const headers = { Accept: 'application/json', ...antiForgeryHeaders(method) };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(buildUrl(path, query), init);
  } catch {
    throw networkError();
  }

  if (response.status === 401 && !allow401) unauthorizedHandler();
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? parseJson(text) : null;
}

const id = (value) => encodeURIComponent(value);

/** Short lists (grants, patients, QR codes) come as an array or as the first page of a paged answer. */
const LIST_PAGE = { page: 1, pageSize: 100 };
function itemsOf(answer) {
  return Array.isArray(answer) ? answer : answer?.items ?? [];
}

// ---- Authentication -------------------------------------------------------------------------------

/** `{ google: bool }`; a server without the endpoint is treated as "no Google". */
export async function getProviders() {
  try {
    return (await request('GET', '/api/auth/providers', { allow401: true })) ?? { google: false };
  } catch {
    return { google: false };
  }
}

/**
 * Signs in; the server sets the session cookie. Answers `{ user }`, or `{ challenge }` when the account has two-factor
 * sign-in on: then `loginWithCode(challenge, code)` completes it. Only the user is kept from the answer.
 */
export async function login(email, password) {
  const answer = await request('POST', '/api/auth/login', { body: { email, password }, allow401: true });
  if (answer?.twoFactorRequired) return { challenge: answer.challenge };
  return { user: answer?.user ?? (await me()) };
}

/** The sign-in's second step: a code from the authenticator app, or a recovery code. Answers the user. */
export async function loginWithCode(challenge, code) {
  const answer = await request('POST', '/api/auth/login/two-factor', { body: { challenge, code }, allow401: true });
  return answer?.user ?? me();
}

/** Asks for a password-reset email. The answer is the same whether or not an account has this email. */
export function forgotPassword(email) {
  return request('POST', '/api/auth/forgot-password', { body: { email }, allow401: true });
}

/** Sets a new password with the token from a reset link; every session of the account ends. */
export function resetPassword(token, newPassword) {
  return request('POST', '/api/auth/reset-password', { body: { token, newPassword }, allow401: true });
}

/** `{ enabled, required, recoveryCodesLeft }` for the signed-in user. */
export function twoFactorStatus() {
  return request('GET', '/api/auth/two-factor');
}

/** A new authenticator key: `{ sharedKey, authenticatorUri, qrCodePng }` (a data: URL). */
export function beginTwoFactorSetup() {
  return request('POST', '/api/auth/two-factor/setup');
}

/** Turns two-factor sign-in on with a code; answers `{ codes }`, the recovery codes, shown once. */
export function confirmTwoFactorSetup(code) {
  return request('POST', '/api/auth/two-factor/confirm', { body: { code } });
}

/** Turns two-factor sign-in off with a current code or a recovery code. */
export function disableTwoFactor(code) {
  return request('POST', '/api/auth/two-factor/disable', { body: { code } });
}

/** Replaces the recovery codes; answers `{ codes }`. */
export function regenerateRecoveryCodes(code) {
  return request('POST', '/api/auth/two-factor/recovery-codes', { body: { code } });
}

export function register(account) {
  return request('POST', '/api/auth/register', { body: account, allow401: true });
}

export function logout() {
  return request('POST', '/api/auth/logout', { allow401: true });
}

/** The signed-in user, or null when there is no session. */
export async function me() {
  try {
    return await request('GET', '/api/auth/me', { allow401: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Changes the signed-in user's name (and a doctor's specialty); answers the user. */
export function updateMe({ fullName, specialty }) {
  return request('PATCH', '/api/auth/me', { body: { fullName, specialty } });
}

/** Changes the password; the server ends every other session of the user. */
export function changePassword(currentPassword, newPassword) {
  return request('POST', '/api/auth/change-password', { body: { currentPassword, newPassword } });
}

/** Confirms the password again; the answer also sets the short-lived cookie that lets `exportUrl` download. */
export function reauthenticate(password) {
  return request('POST', '/api/auth/reauthenticate', { body: { password } });
}

/** The whole vault as a ZIP; a plain link, so the browser streams it to disk (needs `reauthenticate` first). */
export const exportUrl = '/api/export';

/** Deletes the account for good. */
export function deleteAccount(password) {
  return request('DELETE', '/api/auth/me', { body: { password } });
}

/** Where the browser goes to sign in with Google (a navigation, not a call). */
export const googleSignInUrl = '/api/auth/google';

// ---- Medical files --------------------------------------------------------------------------------

export function listFiles(userId, { category, q, page = 1, pageSize = 10 } = {}) {
  return request('GET', `/api/files/${id(userId)}`, { query: { category, q, page, pageSize } });
}

/** The download address; the browser streams it with the session cookie (an attachment, never rendered). */
export function downloadUrl(fileId) {
  return `/api/files/download/${id(fileId)}`;
}

/**
 * A file's content as a Blob, for the in-app preview of PDFs, images and text (issue 15). Downloads stay plain
 * links; only a preview reads the bytes into the page, and only for files the caller chose to look at.
 */
export async function fetchFileContent(fileId) {
  let response;
  try {
    response = await fetch(downloadUrl(fileId), { credentials: 'same-origin' });
  } catch {
    throw networkError();
  }
  if (response.status === 401) unauthorizedHandler();
  if (!response.ok) throw await toApiError(response);
  return response.blob();
}

/** What a DICOM file's header says about its study (modality, date, descriptions, image size); 422 when it cannot be read. */
export function getDicomSummary(fileId) {
  return request('GET', `/api/files/${id(fileId)}/dicom`);
}

export function verifyFile(fileId) {
  return request('GET', `/api/files/${id(fileId)}/verify`);
}

export function deleteFile(fileId) {
  return request('DELETE', `/api/files/${id(fileId)}`);
}

/**
 * Uploads with XMLHttpRequest, which reports real upload progress (fetch cannot).
 * fields: { file, category, description, recordDate, patientId }.
 * Returns { promise, cancel }: promise resolves to the file, rejects with ApiError or UploadCancelled.
 */
export function uploadFile(fields, { onProgress, onSent } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    const form = new FormData();
    // Text fields first, so a streaming server knows them before the file's bytes arrive.
    for (const key of ['category', 'description', 'recordDate', 'patientId']) {
      if (fields[key]) form.append(key, fields[key]);
    }
    form.append('file', fields.file, fields.file.name);

    xhr.open('POST', '/api/files/upload');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(antiForgeryHeaders('POST'))) xhr.setRequestHeader(name, value);

    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total);
    });
    xhr.upload.addEventListener('load', () => onSent?.());
    xhr.addEventListener('abort', () => reject(new UploadCancelled()));
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.addEventListener('load', () => {
      const body = xhr.responseText ? parseJson(xhr.responseText) : null;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
        return;
      }
      if (xhr.status === 401) unauthorizedHandler();
      const problem = JSON_TYPES.test(xhr.getResponseHeader('Content-Type') ?? '') && body ? body : {};
      reject(new ApiError(xhr.status, problem, parseRetryAfter(xhr.getResponseHeader('Retry-After'))));
    });
    xhr.send(form);
  });
  return { promise, cancel: () => xhr.abort() };
}

// ---- Ledger ---------------------------------------------------------------------------------------

export function verifyLedger() {
  return request('GET', '/api/ledger/verify');
}

export async function listLedgerBlocks({ from = 0, limit = 50 } = {}) {
  return itemsOf(await request('GET', '/api/ledger/blocks', { query: { from, limit } }));
}

/** A text/plain answer (checkpoints, keys, receipts). */
async function requestText(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'text/plain' }, credentials: 'same-origin' });
  } catch {
    throw networkError();
  }
  if (response.status === 401) unauthorizedHandler();
  if (!response.ok) throw await toApiError(response);
  return response.text();
}

export const ledgerCheckpoint = () => requestText('/api/ledger/checkpoint');
export const ledgerKey = () => requestText('/api/ledger/key');
export const fileReceipt = (fileId) => requestText(`/api/files/${id(fileId)}/receipt`);

export function ledgerConsistency(from, to) {
  return request('GET', '/api/ledger/proof/consistency', { query: { from, to } });
}

// ---- Emergency profile and QR codes ---------------------------------------------------------------

/** The profile, or null when the patient has none yet. */
export async function getEmergencyProfile(userId) {
  try {
    return await request('GET', `/api/emergency-profile/${id(userId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function saveEmergencyProfile(userId, profile) {
  return request('PUT', `/api/emergency-profile/${id(userId)}`, { body: profile });
}

// ---- SMART Health Links (issue 17) ---------------------------------------------------------------------

/** Creates a link; the answer's `shlink`, `viewerUrl` and QR code hold the key and are shown only once. */
export function createShl({ label, expiresInMinutes, passcode, include }) {
  return request('POST', '/api/shl', { body: { label, expiresInMinutes, passcode, include } });
}

export async function listShls() {
  return itemsOf(await request('GET', '/api/shl'));
}

export function revokeShl(linkId) {
  return request('DELETE', `/api/shl/${id(linkId)}`);
}

export function generateQrCode({ expiresInMinutes, label, maxUses }) {
  return request('POST', '/api/qr/generate', { body: { expiresInMinutes, label, maxUses } });
}

export async function listQrCodes() {
  return itemsOf(await request('GET', '/api/qr/codes', { query: LIST_PAGE }));
}

export function revokeQrCode(codeId) {
  return request('DELETE', `/api/qr/${id(codeId)}`);
}

// ---- Connected apps (OAuth consents) --------------------------------------------------------------

export async function listConnectedApps() {
  return itemsOf(await request('GET', '/api/auth/connected-apps'));
}

export function revokeConnectedApp(appId) {
  return request('DELETE', `/api/auth/connected-apps/${id(appId)}`);
}

// ---- Sharing --------------------------------------------------------------------------------------

export function grantAccess({ doctorEmail, expiresAt }) {
  return request('POST', '/api/access-grants', { body: { doctorEmail, expiresAt } });
}

export async function listAccessGrants() {
  return itemsOf(await request('GET', '/api/access-grants', { query: LIST_PAGE }));
}

export function revokeAccessGrant(grantId) {
  return request('DELETE', `/api/access-grants/${id(grantId)}`);
}

export async function listMyPatients() {
  return itemsOf(await request('GET', '/api/doctor/patients', { query: LIST_PAGE }));
}

// ---- Dashboard and access log ---------------------------------------------------------------------

export function getDashboardStats(userId) {
  return request('GET', `/api/dashboard/stats/${id(userId)}`);
}

export function listAccessLogs(userId, { page = 1, pageSize = 20, action, actorRole, outcome, from, to } = {}) {
  return request('GET', `/api/access-logs/${id(userId)}`, { query: { page, pageSize, action, actorRole, outcome, from, to } });
}

/**
 * The printable summary (issue 17): a PDF made on the server from the International Patient Summary, for the patient
 * or a doctor with a grant. A plain link the browser saves with the session cookie.
 */
export function summaryPdfUrl(userId) {
  return `/api/emergency-profile/${id(userId)}/summary.pdf`;
}

/** The CSV download of the (filtered) access log: a plain link the browser saves with the session cookie. */
export function accessLogCsvUrl(userId, { action, actorRole, outcome, from, to } = {}) {
  return buildUrl(`/api/access-logs/${id(userId)}/export.csv`, { action, actorRole, outcome, from, to });
}
