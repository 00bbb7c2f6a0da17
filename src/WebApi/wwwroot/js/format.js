// Formatting of values for people: sizes, dates, and the contract's kebab-case enumerations.

export const CATEGORIES = [
  ['lab-report', 'Lab report'],
  ['prescription', 'Prescription'],
  ['imaging', 'Imaging'],
  ['discharge-summary', 'Discharge summary'],
  ['vaccination', 'Vaccination'],
  ['insurance', 'Insurance'],
  ['other', 'Other'],
];

const CATEGORY_LABELS = new Map(CATEGORIES);

export function categoryLabel(value) {
  return CATEGORY_LABELS.get(value) ?? humanize(value);
}

const ACTION_LABELS = new Map([
  ['login', 'Signed in'],
  ['file-uploaded', 'File uploaded'],
  ['file-downloaded', 'File downloaded'],
  ['file-deleted', 'File deleted'],
  ['profile-updated', 'Emergency profile updated'],
  ['profile-viewed', 'Emergency profile viewed'],
  ['qr-generated', 'QR code generated'],
  ['qr-revoked', 'QR code revoked'],
  ['qr-accessed', 'QR code scanned'],
  ['access-granted', 'Access granted'],
  ['access-revoked', 'Access revoked'],
  ['records-viewed', 'Records viewed'],
  ['genesis', 'Genesis block'],
]);

/** The actions a person can filter the access log by, in the order they think of them. */
export const ACCESS_ACTIONS = [...ACTION_LABELS].filter(([value]) => value !== 'genesis');

export const ACTOR_ROLES = [
  ['patient', 'You (patient)'],
  ['doctor', 'Doctor'],
  ['emergency', 'Emergency responder'],
  ['system', 'MediVault'],
];

/** '::1' and '127.0.0.1' are the server's own machine: say so instead of showing a loopback address. */
export function ipLabel(ip) {
  if (!ip) return '';
  if (ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.')) return 'This computer';
  return ip;
}

export function actionLabel(value) {
  return ACTION_LABELS.get(value) ?? humanize(value);
}

const RESOURCE_LABELS = new Map([
  ['file', 'File'],
  ['qr-code', 'QR code'],
  ['emergency-profile', 'Emergency profile'],
  ['access-grant', 'Access grant'],
  ['account', 'Account'],
]);

export function resourceLabel(value) {
  return RESOURCE_LABELS.get(value) ?? humanize(value);
}

/** The last 8 characters of an id (version-7 GUIDs share their leading, time-based digits). */
export function shortId(value) {
  return value ? `…${String(value).slice(-8)}` : '';
}

/** 'discharge-summary' → 'Discharge summary'. */
export function humanize(value) {
  if (!value) return '';
  const text = String(value).replaceAll('-', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatBytes(bytes) {
  const value = Number(bytes) || 0;
  if (value < 1024) return `${value} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let size = value / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** An ISO-8601 timestamp in the reader's time zone. */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat.format(date);
}

/** A calendar date 'YYYY-MM-DD' exactly as written (no time-zone shift). */
export function formatDate(value) {
  if (!value) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return String(value);
  return dateFormat.format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** Today as 'YYYY-MM-DD' in local time, for date inputs. */
export function todayIso() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** 'Not scanned yet', 'Scanned once', 'Scanned twice of 5', 'Scanned 3 times of 5'. */
export function scanCount(useCount, maxUses) {
  const count = Number(useCount) || 0;
  const limit = maxUses ? ` of ${maxUses}` : '';
  if (count === 0) return maxUses ? `Not scanned yet (at most ${pluralize(maxUses, 'scan')})` : 'Not scanned yet';
  const times = count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
  return `Scanned ${times}${limit}`;
}

/** DICOM modality codes (PS3.3 C.7.3.1.1.1) in words: 'CT' → 'CT (computed tomography)'. */
const MODALITIES = new Map([
  ['CR', 'computed radiography'], ['CT', 'computed tomography'], ['DX', 'digital radiography'], ['ECG', 'electrocardiography'],
  ['IO', 'intra-oral radiography'], ['MG', 'mammography'], ['MR', 'magnetic resonance'], ['NM', 'nuclear medicine'],
  ['OT', 'other'], ['PT', 'positron emission tomography'], ['PX', 'panoramic X-ray'], ['RF', 'radio fluoroscopy'],
  ['SC', 'secondary capture'], ['US', 'ultrasound'], ['XA', 'X-ray angiography'],
]);

export function modalityLabel(code) {
  const words = MODALITIES.get(String(code).toUpperCase());
  return words ? `${code} (${words})` : String(code);
}

/** One word per outcome everywhere (dashboard, access log, CSV): 'Allowed' or 'Denied'. */
export function outcomeLabel(outcome) {
  return outcome === 'denied' ? 'Denied' : 'Allowed';
}

export function pluralize(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** The first digits of a hash or id, for tables (the full value goes in a title). */
export function shortHash(hash, length = 16) {
  return hash ? `${String(hash).slice(0, length)}…` : '';
}
