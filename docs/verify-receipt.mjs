#!/usr/bin/env node
// Checks a MediVault ledger receipt offline, with Node 20 built-ins only (docs/ledger.md, "Receipts").
// Usage: node docs/verify-receipt.mjs FILE RECEIPT VKEY
//   FILE     the file as you downloaded it
//   RECEIPT  the receipt (GET /api/files/{id}/receipt): a C2SP tlog-proof
//   VKEY     the log's verifier key (GET /api/ledger/key) as you pinned it earlier, or a file holding it
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const [file, receiptPath, vkeyArg] = process.argv.slice(2);
if (!vkeyArg) fail('usage: node docs/verify-receipt.mjs FILE RECEIPT VKEY');
const sha256 = (...parts) => { const h = createHash('sha256'); parts.forEach((p) => h.update(p)); return h.digest(); };
function fail(message) { console.log(`FAILED: ${message}`); process.exit(1); }

// 1. The receipt: header, extra (the entry's canonical encoding), index, proof hashes, blank line, checkpoint.
const lines = readFileSync(receiptPath, 'utf8').split('\n');
if (lines[0] !== 'c2sp.org/tlog-proof@v1') fail('not a c2sp.org/tlog-proof@v1 receipt');
if (!lines[1]?.startsWith('extra ') || !/^index \d+$/.test(lines[2] ?? '')) fail('receipt lacks its extra or index line');
const entry = Buffer.from(lines[1].slice(6), 'base64');
const index = BigInt(lines[2].slice(6));
const blank = lines.indexOf('', 3);
if (blank < 0) fail('receipt has no checkpoint');
const proof = lines.slice(3, blank).map((l) => Buffer.from(l, 'base64'));
const note = lines.slice(blank + 1).join('\n');

// 2. The entry: seven LF-ended lines; its payloadHash must be the file's SHA-256.
const fields = entry.toString('utf8').split('\n');
if (fields.length !== 8 || fields[0] !== 'medivault-ledger-v1' || fields[7] !== '') fail('extra is not a medivault-ledger-v1 entry');
if (BigInt(fields[1]) !== index) fail(`the entry says index ${fields[1]}, the receipt says ${index}`);
const fileHash = sha256(readFileSync(file)).toString('hex');
if (fileHash !== fields[5]) fail(`SHA-256 of the file is ${fileHash}, the entry records ${fields[5]}`);

// 3. The checkpoint's signature, with the pinned key (Go signed-note, Ed25519 type 0x01).
const vkey = (existsSync(vkeyArg) ? readFileSync(vkeyArg, 'utf8') : vkeyArg).trim();
const [name, keyIdHex, keyB64] = vkey.split(/\+(.*?)\+(.*)/s).filter((s) => s !== '');
const keyBlob = Buffer.from(keyB64 ?? '', 'base64');
if (keyBlob.length !== 33 || keyBlob[0] !== 1) fail('VKEY is not an Ed25519 note verifier key');
const keyId = sha256(Buffer.from(name + '\n'), Buffer.from([1]), keyBlob.subarray(1)).subarray(0, 4);
if (keyId.toString('hex') !== keyIdHex) fail('VKEY key id does not match its key');
const split = note.lastIndexOf('\n\n');
const text = note.slice(0, split + 1);
const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyBlob.subarray(1)]), format: 'der', type: 'spki' });
const signed = note.slice(split + 2).split('\n').some((line) => {
  if (!line.startsWith(`— ${name} `)) return false;
  const sig = Buffer.from(line.slice(name.length + 3), 'base64');
  return sig.length === 68 && sig.subarray(0, 4).equals(keyId) && verify(null, Buffer.from(text), publicKey, sig.subarray(4));
});
if (!signed) fail(`the checkpoint is not signed by ${name}+${keyIdHex} (a changed key, or a forged checkpoint)`);
const [, sizeLine, rootB64] = text.split('\n');
const size = BigInt(sizeLine);
const root = Buffer.from(rootB64, 'base64');

// 4. The inclusion proof (RFC 9162 §2.1.3.2): the entry's leaf hash leads to the signed root.
if (index >= size) fail(`index ${index} is not in a tree of ${size} entries`);
let fn = index, sn = size - 1n, r = sha256(Buffer.from([0]), entry);
for (const p of proof) {
  if (sn === 0n || p.length !== 32) fail('the inclusion proof is too long or malformed');
  if ((fn & 1n) === 1n || fn === sn) {
    r = sha256(Buffer.from([1]), p, r);
    if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
  } else {
    r = sha256(Buffer.from([1]), r, p);
  }
  fn >>= 1n; sn >>= 1n;
}
if (sn !== 0n || !r.equals(root)) fail('the inclusion proof does not lead to the signed root: the entry is not in the log');
console.log(`OK: ${fields[3]} ${fields[4]} is entry ${index} of ${size} in ${text.split('\n')[0]}, signed by ${name}+${keyIdHex}`);
