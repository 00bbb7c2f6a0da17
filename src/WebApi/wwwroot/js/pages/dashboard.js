// The patient's overview: counts, storage, QR codes, profile completeness, files by category, recent activity.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { CATEGORIES, actionLabel, formatBytes, formatDateTime } from '../format.js';
import { alertBox, card, describeError, emptyState, loading, outcomeBadge, pageHeader } from '../ui.js';

function statCard(label, value, note, link) {
  return h('div', { class: 'card flex flex-col gap-1' },
    h('p', { class: 'text-sm font-medium text-slate-600', text: label }),
    h('p', { class: 'text-xl font-bold tracking-tight break-words text-slate-900 sm:text-2xl', text: value }),
    note ? h('p', { class: 'text-xs text-slate-600', text: note }) : null,
    link ? h('a', { href: link[0], class: 'mt-auto pt-2 text-sm font-semibold', text: link[1] }) : null);
}

/** Loads the vendored Chart.js (a UMD bundle that sets globalThis.Chart) only when a chart is drawn. */
async function loadChart() {
  if (!globalThis.Chart) await import('/vendor/chart.umd.min.js');
  return globalThis.Chart;
}

function categoryChart(filesByCategory) {
  const counts = CATEGORIES.map(([value, label]) => [label, Number(filesByCategory?.[value] ?? 0)]);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return { element: emptyState('Upload a file to see your records by category.', h('p', { class: 'mt-3' }, h('a', { href: '#/records', class: 'btn btn-primary btn-small', text: 'Upload a file' }))) };

  const summary = counts.filter(([, n]) => n > 0).map(([label, n]) => `${label}: ${n}`).join(', ');
  const canvas = h('canvas', { role: 'img', 'aria-label': `Bar chart of files by category. ${summary}.` }, summary);
  const element = h('div', { class: 'grid gap-6 lg:grid-cols-[minmax(0,1fr)_14rem]' },
    h('div', { class: 'relative h-64 min-w-0' }, canvas),
    h('table', { class: 'data-table self-start' },
      h('caption', { class: 'sr-only', text: 'Files by category' }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Category' }), h('th', { scope: 'col', class: 'text-right', text: 'Files' }))),
      h('tbody', {}, counts.map(([label, n]) => h('tr', {}, h('td', { text: label }), h('td', { class: 'text-right tabular-nums', text: n }))))));

  let chart = null;
  const draw = async () => {
    const Chart = await loadChart();
    if (!canvas.isConnected) return;
    chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: counts.map(([label]) => label),
        datasets: [{ label: 'Files', data: counts.map(([, n]) => n), backgroundColor: '#0f766e', borderRadius: 6, maxBarThickness: 36 }],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: '#334155' }, grid: { color: '#e2e8f0' } },
          y: { ticks: { color: '#334155' }, grid: { display: false } },
        },
      },
    });
  };
  return { element, draw, dispose: () => chart?.destroy() };
}

/** "Dr. Sharma (doctor)", "Someone with your QR code", … */
export function actorText(entry) {
  if (entry.actorRole === 'emergency') return 'Someone with your QR code';
  if (entry.actorRole === 'system') return 'MediVault';
  return `${entry.actorName || 'Unknown'} (${entry.actorRole})`;
}

function activityList(entries) {
  if (!entries?.length) return emptyState('No activity yet.');
  return h('ol', { class: 'divide-y divide-slate-100' },
    entries.map((entry) => h('li', { class: 'flex items-start justify-between gap-3 py-2 text-sm' },
      h('div', { class: 'min-w-0 flex-1' },
        h('p', { class: 'font-medium text-slate-900', text: actionLabel(entry.action) }),
        h('p', { class: 'text-xs text-slate-600', text: `${actorText(entry)} · ${formatDateTime(entry.timestamp)}` })),
      h('div', { class: 'shrink-0' }, outcomeBadge(entry.outcome)))));
}

export async function render(container, { user }) {
  replace(container, pageHeader(`Welcome, ${user.fullName}`, 'Your vault at a glance.'), loading('Loading your dashboard…'));

  let stats;
  try {
    stats = await api.getDashboardStats(user.id);
  } catch (error) {
    replace(container, pageHeader(`Welcome, ${user.fullName}`, 'Your vault at a glance.'), alertBox('error', describeError(error)));
    return undefined;
  }

  const chart = categoryChart(stats.filesByCategory);
  replace(container,
    pageHeader(`Welcome, ${user.fullName}`, 'Your vault at a glance.',
      h('a', { href: '#/records', class: 'btn btn-primary', text: 'Upload a file' })),
    h('div', { class: 'grid grid-cols-1 gap-3 min-[360px]:grid-cols-2 sm:gap-4 xl:grid-cols-4' },
      statCard('Files', String(stats.totalFiles), stats.lastUploadAt ? `Last upload ${formatDateTime(stats.lastUploadAt)}` : 'Nothing uploaded yet', ['#/records', 'View records']),
      statCard('Storage used', formatBytes(stats.totalSizeBytes), 'Encrypted at rest'),
      statCard('Active QR codes', String(stats.activeQrCodes), 'Emergency access codes in force', ['#/qr-codes', 'Manage QR codes']),
      statCard('Emergency profile', stats.emergencyProfileComplete ? 'Complete' : 'Incomplete',
        stats.emergencyProfileComplete ? 'Blood type, birth date and a contact are set' : 'Add blood type, birth date and a contact',
        ['#/emergency-profile', stats.emergencyProfileComplete ? 'Review profile' : 'Complete profile'])),
    h('div', { class: 'mt-6 grid items-start gap-6 xl:grid-cols-[3fr_2fr]' },
      card('Files by category', chart.element),
      card('Recent activity', activityList(stats.recentActivity), h('p', { class: 'mt-3 text-sm' }, h('a', { href: '#/access-log', text: 'See the full access log' })))));

  await chart.draw?.();
  return chart.dispose;
}
