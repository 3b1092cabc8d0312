// Compares a Delta table's rows (NDJSON from `lakestream cat`) with the
// server's entity set, read directly from the CAP fixture (OData V4, basic
// auth, all pages). Values compare by meaning: numbers numerically (decimal
// text vs JSON numbers), timestamps/dates as instants, everything else exactly.
//   node compare_with_server.js SERVICE_URL ENTITY_SET KEY NDJSON_FILE [FILTER]
// Exit 0 when equal (prints the row count), 1 with the first differences.
const fs = require('fs');
const [serviceUrl, entitySet, key, file, filter] = process.argv.slice(2);
const auth = 'Basic ' + Buffer.from(`${process.env.ODATA_USER || 'lake'}:` +
                                    `${process.env.ODATA_PASSWORD || 'lake-secret'}`).toString('base64');

async function serverRows() {
  let url = `${serviceUrl}/${entitySet}?$orderby=${key}` +
            (filter ? `&$filter=${encodeURIComponent(filter)}` : '');
  const rows = [];
  while (url) {
    const res = await fetch(url, { headers: { authorization: auth, accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    const j = await res.json();
    rows.push(...j.value);
    url = j['@odata.nextLink'] ? `${serviceUrl}/${j['@odata.nextLink']}` : null;
  }
  return rows;
}

function same(a, b) {
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a ?? null) === (b ?? null);
  }
  if (typeof a === 'number' || typeof b === 'number' ||
      (/^-?\d+(\.\d+)?$/.test(String(a)) && /^-?\d+(\.\d+)?$/.test(String(b)))) {
    return Number(a) === Number(b);
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
  if (iso.test(String(a)) && iso.test(String(b))) {
    return new Date(a).getTime() === new Date(b).getTime();
  }
  return a === b;
}

(async () => {
  const want = await serverRows();
  const got = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const byKey = new Map(got.map((r) => [r[key], r]));
  const problems = [];
  if (got.length !== byKey.size) problems.push(`table has duplicate keys (${got.length} rows, ${byKey.size} keys)`);
  if (got.length !== want.length) problems.push(`row count: table ${got.length}, server ${want.length}`);
  for (const w of want) {
    const g = byKey.get(w[key]);
    if (!g) { problems.push(`missing key ${w[key]}`); continue; }
    for (const [col, v] of Object.entries(w)) {
      if (col.startsWith('@')) continue;
      if (!same(v, g[col])) problems.push(`${w[key]}.${col}: table ${JSON.stringify(g[col])}, server ${JSON.stringify(v)}`);
    }
  }
  if (problems.length) {
    console.error(problems.slice(0, 10).join('\n'));
    process.exit(1);
  }
  console.log(`equal: ${want.length} rows`);
})().catch((e) => { console.error(String(e)); process.exit(1); });
