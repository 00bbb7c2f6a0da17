// The tamper-evident ledger: verify the whole chain, check the signed checkpoint and your receipts in this browser
// (key pinned in IndexedDB on first visit), list the blocks that concern you, verify a file, download its receipt.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { readPin, writePin } from '../ledger-pins.js';
import { parseVerifierKey, verifyCheckpoint, verifyConsistency, verifyReceipt } from '../ledger-verify.js';
import { actionLabel, formatDateTime, pluralize, shortHash, shortId } from '../format.js';
import { alertBox, badge, busy, card, cell, dataTable, describeError, emptyState, loading, pageHeader } from '../ui.js';

const BATCH = 25;
const BLOCK_COLUMNS = ['Block', 'Time', 'Event', 'Resource id', 'Hash', 'File check', 'Receipt'];
const PINNED_KEY = 'key';
const LAST_CHECKPOINT = 'checkpoint';

/** The pinned key (pinned now on a first visit) and the server's, or a loud warning when they differ. */
async function pinnedVerifier() {
  const served = (await api.ledgerKey()).trim();
  const pinned = await readPin(PINNED_KEY);
  if (!pinned) await writePin(PINNED_KEY, served);
  return { verifier: await parseVerifierKey(pinned ?? served), served, pinned: pinned ?? served, changed: pinned !== null && pinned !== served };
}

async function transparency(slot) {
  const { verifier, served, pinned, changed } = await pinnedVerifier();
  const rows = [];
  if (changed) {
    rows.push(alertBox('error', `WARNING: the server's ledger signing key has CHANGED since you pinned it. Receipts are checked against the key you pinned (${pinned}); the server now presents ${served}. Unless your provider announced a key change, the log may have been replaced.`));
  }
  const note = await api.ledgerCheckpoint();
  const checkpoint = await verifyCheckpoint(note, verifier);
  const last = await readPin(LAST_CHECKPOINT);
  let consistency = 'This is the first checkpoint this browser has seen.';
  if (last) {
    const previous = await verifyCheckpoint(last, verifier);
    if (previous.size > checkpoint.size) throw new Error('The log is smaller than when this browser last saw it.');
    const answer = await api.ledgerConsistency(String(previous.size), String(checkpoint.size));
    const proof = answer.proof.map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
    if (!await verifyConsistency(previous.size, checkpoint.size, proof, previous.root, checkpoint.root)) {
      throw new Error(`The log is NOT consistent with the checkpoint of ${previous.size} entries this browser saw before: its history was rewritten.`);
    }
    consistency = `Consistent with the checkpoint of ${previous.size} entries this browser saw before: nothing was rewritten.`;
  }
  await writePin(LAST_CHECKPOINT, note);
  rows.push(alertBox('success', `Verified in your browser: checkpoint of ${checkpoint.size} entries signed by the pinned key. ${consistency}`));
  rows.push(h('dl', { class: 'grid gap-2 text-sm sm:grid-cols-[12rem_1fr]' },
    [['Log', checkpoint.origin], ['Entries', String(checkpoint.size)], ['Root hash', h('code', { class: 'break-all', text: btoa(String.fromCharCode(...checkpoint.root)) })], ['Pinned key', h('code', { class: 'break-all', text: pinned })]]
      .map(([term, value]) => [h('dt', { class: 'font-medium text-slate-700', text: term }), h('dd', { class: 'min-w-0 text-slate-900' }, value)])));
  replace(slot, h('div', { class: 'space-y-3' }, rows));
  return verifier;
}

function downloadText(text, fileName) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function chainResult(result) {
  const rows = [
    ['Blocks in the chain', String(result.length)],
    ['Head hash', h('code', { text: result.headHash ?? '—' })],
  ];
  if (!result.valid) rows.push(['First invalid block', String(result.firstInvalidIndex)]);
  return h('div', { class: 'space-y-3' },
    result.valid
      ? alertBox('success', `The chain is intact: all ${pluralize(result.length, 'block')} were recomputed and every link matches.`)
      : alertBox('error', `The chain is broken at block #${result.firstInvalidIndex}: a stored block was changed after it was written.`),
    h('dl', { class: 'grid gap-2 text-sm sm:grid-cols-[12rem_1fr]' },
      rows.map(([term, value]) => [h('dt', { class: 'font-medium text-slate-700', text: term }), h('dd', { class: 'min-w-0 text-slate-900' }, value)])));
}

function fileVerification(result) {
  if (result.intact && result.ledgerIntact) return badge('green', '✓ Intact');
  if (!result.intact) return badge('red', '✗ Content altered');
  return badge('red', '✗ Ledger entry broken');
}

export async function render(container) {
  const chainSlot = h('div', { 'aria-live': 'polite' }, loading('Verifying the chain…'));
  const verifyButton = h('button', { type: 'button', class: 'btn btn-primary', text: 'Verify the chain again' });
  const blocksBody = h('tbody');
  const blocksSlot = h('div', {}, loading('Loading blocks…'));
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-small mt-4', text: 'Load more blocks', hidden: true });
  const logSlot = h('div', { 'aria-live': 'polite' }, loading('Checking the signed checkpoint…'));
  let next = 0;
  let shown = 0;
  let verifierPromise = null;

  function checkLog() {
    verifierPromise = transparency(logSlot).catch((error) => {
      replace(logSlot, alertBox('error', `Not verified: ${error.message ?? describeError(error)}`));
      return null;
    });
    return verifierPromise;
  }

  async function verifyChain() {
    replace(chainSlot, loading('Verifying the chain…'));
    try {
      replace(chainSlot, chainResult(await api.verifyLedger()));
    } catch (error) {
      replace(chainSlot, alertBox('error', describeError(error)));
    }
  }
  verifyButton.addEventListener('click', () => busy(verifyButton, 'Verifying…', verifyChain));

  function blockRow(block) {
    const verifyCell = cell();
    if (block.kind === 'file-uploaded' && block.resourceId) {
      const button = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': `Verify file of block ${block.index}`, text: 'Verify file' });
      button.addEventListener('click', async () => {
        replace(verifyCell, badge('slate', 'Checking…'));
        try {
          replace(verifyCell, fileVerification(await api.verifyFile(block.resourceId)));
        } catch (error) {
          replace(verifyCell, error instanceof api.ApiError && error.status === 404
            ? badge('slate', 'Deleted')
            : badge('amber', describeError(error)));
        }
      });
      verifyCell.append(button);
    }
    const receiptCell = cell();
    if (block.kind === 'file-uploaded' && block.resourceId) {
      const status = badge('slate', 'Checking…');
      const download = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': `Download receipt of block ${block.index}`, text: 'Download receipt' });
      receiptCell.append(status, download);
      const receipt = api.fileReceipt(block.resourceId);
      receipt.catch(() => {});
      download.addEventListener('click', async () => downloadText(await receipt, `medivault-receipt-${block.index}.txt`));
      (async () => {
        try {
          const text = await receipt;
          const verifier = await verifierPromise;
          if (!verifier) return replace(receiptCell, badge('amber', 'Not checked'), download);
          const result = await verifyReceipt(text, verifier);
          const ok = result.index === BigInt(block.index) && result.payloadHash === block.payloadHash;
          replace(receiptCell, ok ? badge('green', '✓ Verified in your browser') : badge('red', '✗ Receipt does not match'), download);
        } catch (error) {
          replace(receiptCell, error instanceof api.ApiError && error.status === 404 ? badge('slate', 'Deleted') : badge('red', `✗ ${error.message ?? 'Receipt invalid'}`));
        }
      })();
    }
    return h('tr', { dataset: { blockIndex: block.index } },
      cell(h('span', { class: 'font-semibold tabular-nums', text: `#${block.index}` })),
      cell(h('span', { class: 'whitespace-nowrap', text: formatDateTime(block.timestamp) })),
      cell(actionLabel(block.kind)),
      // issue 15 (begin): the record's name when the server gives it (its owner only), else the short id
      cell(block.resourceName
        ? h('span', { class: 'break-words font-medium', title: block.resourceId, text: block.resourceName })
        : block.resourceId ? h('code', { class: 'whitespace-nowrap', title: block.resourceId, text: shortId(block.resourceId) }) : '—'),
      // issue 15 (end)
      cell(h('div', {},
        h('code', { class: 'block whitespace-nowrap', title: block.hash, text: shortHash(block.hash) }),
        h('span', { class: 'block text-xs whitespace-nowrap text-slate-600' }, 'prev ', h('code', { title: block.previousHash, text: shortHash(block.previousHash) })))),
      verifyCell,
      receiptCell);
  }

  async function loadBlocks() {
    let items;
    try {
      items = await api.listLedgerBlocks({ from: next, limit: BATCH });
    } catch (error) {
      replace(blocksSlot, alertBox('error', describeError(error)));
      return;
    }
    for (const block of items) {
      const row = blockRow(block);
      [...row.children].forEach((td, index) => {
        td.dataset.label = BLOCK_COLUMNS[index];
      });
      blocksBody.append(row);
    }
    shown += items.length;
    if (items.length) next = items[items.length - 1].index + 1;
    more.hidden = items.length < BATCH;
    if (shown === 0) {
      replace(blocksSlot, emptyState('No blocks concern your records yet.'));
      return;
    }
    if (!blocksSlot.contains(blocksBody)) {
      const table = dataTable('Ledger blocks', BLOCK_COLUMNS, []);
      table.querySelector('tbody').replaceWith(blocksBody);
      replace(blocksSlot, table, more);
    }
  }
  more.addEventListener('click', () => busy(more, 'Loading…', loadBlocks));

  replace(container,
    pageHeader('Ledger', 'Every upload, deletion, profile change, QR code and grant is sealed in a hash chain. Each block holds only hashes and opaque ids — never names or medical text — and includes the hash of the block before it, so changing any block breaks every later link.'),
    h('div', { class: 'space-y-6' },
      card('Signed checkpoint', h('p', { class: 'mb-4 text-sm text-slate-600', text: 'The log is a Merkle tree whose root the server signs. This browser pinned the signing key on your first visit and checks every checkpoint and receipt against it, and that the log only grew since your last visit. A receipt can also be checked offline with docs/verify-receipt.mjs.' }), logSlot),
      card('Chain verification', chainSlot, h('div', { class: 'mt-4' }, verifyButton)),
      card('Blocks about your records', h('p', { class: 'mb-4 text-sm text-slate-600', text: 'Oldest first. For an uploaded file, "Verify file" re-reads the stored content, hashes it again and checks it against its block.' }), blocksSlot)));

  checkLog();
  await Promise.all([verifyChain(), loadBlocks(), verifierPromise]);
}
