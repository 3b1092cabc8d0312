#!/usr/bin/env node
// compare_ndjson.mjs: compares two NDJSON files value by value.
//
//   node compare_ndjson.mjs EXPECTED ACTUAL [--unordered] [--float-tol 1e-6] [--label NAME]
//
// Integers compare exactly (as BigInt, never through a double); other numbers
// with a relative tolerance (FLOAT columns print at float32 precision on one
// side and may be widened on the other); object keys in any order. With
// --unordered the rows are compared as multisets. Exit 0 when equal, 1 with
// the first difference on stderr otherwise.
import { readFileSync } from 'node:fs';

function parse(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws(); const k = string(); ws();
        if (text[i++] !== ':') throw new Error(`expected ':' at ${i}`);
        o[k] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') throw new Error(`expected '}' at ${i}`);
        return o;
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') throw new Error(`expected ']' at ${i}`);
        return a;
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new Error(`bad JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return { num: m[0] };
  };
  const string = () => {
    const start = i;
    i++;
    while (text[i] !== '"') { if (text[i] === '\\') i++; i++; if (i > text.length) throw new Error('unterminated string'); }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value(); ws();
  if (i !== text.length) throw new Error(`trailing text at ${i}`);
  return v;
}

function isInt(s) { return /^-?\d+$/.test(s); }

function equal(a, b, tol, path) {
  if (a && typeof a === 'object' && 'num' in a && b && typeof b === 'object' && 'num' in b) {
    if (isInt(a.num) && isInt(b.num)) return BigInt(a.num) === BigInt(b.num) ? null : `${path}: ${a.num} != ${b.num}`;
    const x = Number(a.num), y = Number(b.num);
    if (x === y) return null;
    const scale = Math.max(Math.abs(x), Math.abs(y));
    return Math.abs(x - y) <= tol * scale ? null : `${path}: ${a.num} != ${b.num}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: array length ${a.length} != ${b.length}`;
    for (let k = 0; k < a.length; k++) { const d = equal(a[k], b[k], tol, `${path}[${k}]`); if (d) return d; }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !('num' in a) && !('num' in b)) {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000')) return `${path}: keys [${ka}] != [${kb}]`;
    for (const k of ka) { const d = equal(a[k], b[k], tol, `${path}.${k}`); if (d) return d; }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

function canonical(v) {
  if (v && typeof v === 'object' && 'num' in v) return isInt(v.num) ? v.num : String(Number(Number(v.num).toPrecision(6)));
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

const args = process.argv.slice(2);
const files = [];
let unordered = false, tol = 1e-6, label = '';
for (let k = 0; k < args.length; k++) {
  if (args[k] === '--unordered') unordered = true;
  else if (args[k] === '--float-tol') tol = Number(args[++k]);
  else if (args[k] === '--label') label = args[++k] + ': ';
  else files.push(args[k]);
}
if (files.length !== 2) { process.stderr.write('usage: compare_ndjson.mjs EXPECTED ACTUAL [--unordered] [--float-tol X]\n'); process.exit(2); }
const load = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0).map(parse);
let [expected, actual] = files.map(load);
if (expected.length !== actual.length) {
  process.stderr.write(`${label}row count ${expected.length} (expected) != ${actual.length} (actual)\n`);
  process.exit(1);
}
if (unordered) {
  const sortBy = (rows) => rows.map((r) => [canonical(r), r]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map((x) => x[1]);
  expected = sortBy(expected);
  actual = sortBy(actual);
}
for (let r = 0; r < expected.length; r++) {
  const d = equal(expected[r], actual[r], tol, `row ${r}`);
  if (d) { process.stderr.write(`${label}${d}\n`); process.exit(1); }
}
process.stdout.write(`${label}${expected.length} rows equal\n`);
