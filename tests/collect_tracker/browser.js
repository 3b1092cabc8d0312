// The browser half of tests/collect_tracker_test.sh: real pages in headless Chromium (Debian's
// chromium through playwright-core) load the tracker from a real `lakestream collect`, generate
// page views, clicks and custom events, and live through lost answers, a collector killed (-9)
// and restarted, a page reload while it is down, and a page left with events only beaconed.
// Writes what the pages generated to OUT_DIR/expected.json for the shell half to find in the
// Delta table. Owns the collector process (started, killed and restarted here by PID; its PID
// is kept in OUT_DIR/collector.pid for the shell's cleanup) and a static server for the pages.
//
//   node browser.js LAKESTREAM CONFIG_TEMPLATE WRITE_KEY LIMITED_KEY OUT_DIR
//
// LIMITED_KEY is a source with a small rate limit (2 events/s, burst 4): its page gets real 429s.
//
// CONFIG_TEMPLATE holds @PORT@ (the collector's) and @ORIGIN@ (the pages' origin, for CORS).
// Every wait is bounded; a failed check exits 1 naming it.
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const [bin, template, writeKey, limitedKey, outDir] = process.argv.slice(2);
const log = (m) => console.log(`[browser ${new Date().toISOString().slice(11, 19)}] ${m}`);
function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  log('ok: ' + what);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, seconds, fn) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(100);
  }
}

// --- the pages: /page.html?n=N, each loading the tracker from the collector --------------------
let collectorUrl = '';
function pageHtml(n, flushInterval, key) {
  const buttons = Array.from({ length: 12 }, (_, i) => `<button id="b${i + 1}">Button ${i + 1}</button>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>tracker test page ${n}</title>
<script>window.lakestream = window.lakestream || []; lakestream.push(['track', 'early', {page: ${n}}]);</script>
<script src="${collectorUrl}/v1/tracker.js" data-write-key="${key}" data-flush-interval="${flushInterval}"
        data-retry-base="200" data-retry-max="1500"></script>
</head><body><h1>page ${n}</h1><p>${buttons.join(' ')}</p><p id="plain">not tracked</p></body></html>`;
}
const pages = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/page.html') {
    res.writeHead(404);
    return res.end();
  }
  const n = Number(url.searchParams.get('n'));
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  const key = url.searchParams.get('limited') ? limitedKey : writeKey;
  res.end(pageHtml(n, url.searchParams.get('hold') ? 60000 : 150, key));
});

// --- the collector -------------------------------------------------------------------------------
let collector = null;
let collectorPort = 0;
let starts = 0;
const configPath = path.join(outDir, 'collect.yaml');
function writeConfig(port, origin) {
  const t = fs.readFileSync(template, 'utf8');
  fs.writeFileSync(configPath, t.replaceAll('@PORT@', String(port)).replaceAll('@ORIGIN@', origin));
}
async function startCollector() {
  const portFile = path.join(outDir, 'collector.port');
  fs.rmSync(portFile, { force: true });
  const out = fs.openSync(path.join(outDir, `collector-${starts++}.log`), 'w');
  const child = spawn(bin, ['collect', '--config', configPath, '--port-file', portFile],
                      { stdio: ['ignore', out, out] });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  fs.writeFileSync(path.join(outDir, 'collector.pid'), String(child.pid));
  collector = child;
  await until('the collector to listen', 60, () => {
    if (child.exitCode !== null) throw new Error(`the collector exited ${child.exitCode}`);
    return fs.existsSync(portFile) && /^\d+\s*$/.test(fs.readFileSync(portFile, 'utf8'));
  });
  return Number(fs.readFileSync(portFile, 'utf8'));
}
async function killCollector(signal) {
  const child = collector;
  child.kill(signal);
  const r = await Promise.race([child.exited, sleep(30000).then(() => null)]);
  if (!r) throw new Error(`the collector did not exit on ${signal}`);
  collector = null;
  return r;
}

// --- expected events ------------------------------------------------------------------------------
const expected = [];  // {device, page, event_type, seq | button}
function expect(device, page, eventType, extra) {
  expected.push(Object.assign({ device, page, event_type: eventType }, extra));
}

(async () => {
  await new Promise((r) => pages.listen(0, '127.0.0.1', r));
  const pageBase = `http://127.0.0.1:${pages.address().port}`;
  writeConfig(0, pageBase);
  collectorPort = await startCollector();
  collectorUrl = `http://127.0.0.1:${collectorPort}`;
  writeConfig(collectorPort, pageBase);  // restarts come back on the same port
  log(`pages on ${pageBase}, collector on ${collectorUrl}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const sessions = {};
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let failedPosts = 0;
    page.on('requestfailed', (r) => { if (r.url().includes('/v1/batch')) failedPosts++; });
    const pending = () => page.evaluate(() => window.lakestream.pending());
    const drained = (what) => until(what, 45, async () => (await pending()) === 0);
    const open = async (n, device, hold) => {
      await page.goto(`${pageBase}/page.html?n=${n}${hold ? '&hold=1' : ''}`);
      await page.waitForFunction(() => window.lakestream && window.lakestream.__tracker);
      expect(device, n, 'page_view', {});
      expect(device, n, 'early', {});
    };
    const click = async (device, n, id) => {
      await page.click('#' + id);
      expect(device, n, 'click', { button: id });
    };
    const track = async (device, n, seq) => {
      const id = await page.evaluate((s) => window.lakestream.track('test_event', { seq: s, tags: ['a', 'b'] }), seq);
      check(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id),
            `track() returns a UUID v4 event_id (${id})`);
      expect(device, n, 'test_event', { seq });
    };

    // 1. The collector serves the tracker; page views, clicks (a tracked button, an untracked
    //    paragraph) and custom events reach it.
    const js = await fetch(`${collectorUrl}/v1/tracker.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    check(js.status === 200 && /^text\/javascript/.test(js.headers.get('content-type')),
          'GET /v1/tracker.js: 200 text/javascript');
    check(/max-age=3600/.test(js.headers.get('cache-control')) && !!js.headers.get('etag'),
          'tracker.js has Cache-Control and an ETag');
    await open(1, 'A');
    sessions.A = await page.evaluate(() => ({ s: lakestream.sessionId(), d: lakestream.deviceId() }));
    for (const id of ['b1', 'b2', 'b3']) await click('A', 1, id);
    await page.click('#plain');  // not a link, button or [data-track]: no event
    for (let s = 1; s <= 4; s++) await track('A', 1, s);
    await drained('the first events acknowledged');

    // 2. Answers lost: the collector acknowledges two requests but the page never hears it, so
    //    it resends the same events (same event_ids): duplicates in the topic, once in the table.
    let lost = 0;
    await page.route('**/v1/batch*', async (route) => {
      if (lost < 2 && route.request().resourceType() === 'fetch') {
        const resp = await route.fetch();
        lost++;
        log(`answer ${resp.status()} dropped on its way to the page (${lost} of 2)`);
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    for (let s = 5; s <= 7; s++) await track('A', 1, s);
    await click('A', 1, 'b4');
    await drained('the events whose answers were lost, resent');
    await page.unroute('**/v1/batch*');
    check(lost === 2, 'two acknowledged requests had their answers dropped');

    // 3. The collector is killed (-9): events wait in the queue and are retried with backoff;
    //    the page is reloaded meanwhile and the next one adopts the stored queue.
    const killed = await killCollector('SIGKILL');
    log(`collector killed (${killed.signal})`);
    const failedBefore = failedPosts;
    for (let s = 8; s <= 10; s++) await track('A', 1, s);
    await click('A', 1, 'b5');
    await until('two failed sends while the collector is down', 20, () => failedPosts >= failedBefore + 2);
    check(await pending() === 4, 'the 4 events of the outage wait in the queue');
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('lakestream:q:')).length);
    check(stored === 1, 'the queue is in localStorage');
    await open(2, 'A');
    for (let s = 11; s <= 12; s++) await track('A', 2, s);
    await click('A', 2, 'b6');
    check(await pending() === 4 + 5, 'page 2 adopted the 4 unsent events of page 1 beside its 5 own');
    await until('more failed sends from page 2', 20, () => failedPosts >= failedBefore + 4);

    collectorPort = await startCollector();
    check(collectorUrl === `http://127.0.0.1:${collectorPort}`, 'the collector is back on its port');
    await drained('the outage queue delivered after the restart');

    // 4. A page left right after its events: they are beaconed on pagehide, kept in the
    //    queue, and the next page sends them again for an answer (same event_ids).
    await open(3, 'A', true);  // a long flush interval: these events are only beaconed
    for (let s = 13; s <= 15; s++) await track('A', 3, s);
    await click('A', 3, 'b7');
    check(await pending() === 6, 'page 3 holds its 6 events');
    // (Playwright does not report beacons sent while a page unloads; the shell half checks
    // that page 3's events are in the topic twice: the beacon and page 4's resend.)
    await open(4, 'A');
    await track('A', 4, 16);
    await drained('page 3\'s beaconed events confirmed by page 4');
    const again = await page.evaluate(() => ({ s: lakestream.sessionId(), d: lakestream.deviceId() }));
    check(again.s === sessions.A.s && again.d === sessions.A.d, 'one session and one device across 4 pages');

    // 5. A second browser (its own storage): another device and session.
    const ctxB = await browser.newContext();
    const pageB = await ctxB.newPage();
    pageB.on('pageerror', (e) => errors.push(String(e)));
    await pageB.goto(`${pageBase}/page.html?n=1`);
    await pageB.waitForFunction(() => window.lakestream && window.lakestream.__tracker);
    expect('B', 1, 'page_view', {});
    expect('B', 1, 'early', {});
    await pageB.click('#b9');
    expect('B', 1, 'click', { button: 'b9' });
    await pageB.evaluate(() => window.lakestream.track('test_event', { seq: 101, tags: [] }));
    expect('B', 1, 'test_event', { seq: 101 });
    sessions.B = await pageB.evaluate(() => ({ s: lakestream.sessionId(), d: lakestream.deviceId() }));
    await until('device B drained', 30, async () => (await pageB.evaluate(() => lakestream.pending())) === 0);
    check(sessions.B.s !== sessions.A.s && sessions.B.d !== sessions.A.d, 'the second browser is another device and session');

    // 6. A source over its rate limit: the collector answers 429 and the tracker backs off
    //    and retries until the bucket lets the batch through.
    const ctxC = await browser.newContext();
    const pageC = await ctxC.newPage();
    pageC.on('pageerror', (e) => errors.push(String(e)));
    let status429 = 0;
    pageC.on('response', (r) => { if (r.url().includes('/v1/batch') && r.status() === 429) status429++; });
    await pageC.goto(`${pageBase}/page.html?n=5&limited=1`);
    await pageC.waitForFunction(() => window.lakestream && window.lakestream.__tracker);
    expect('C', 5, 'page_view', {});
    expect('C', 5, 'early', {});
    await until('device C\'s first events acknowledged', 30,
                async () => (await pageC.evaluate(() => lakestream.pending())) === 0);
    await pageC.evaluate(() => { for (let s = 201; s <= 208; s++) lakestream.track('test_event', { seq: s, tags: [] }); });
    for (let q = 201; q <= 208; q++) expect('C', 5, 'test_event', { seq: q });
    sessions.C = await pageC.evaluate(() => ({ s: lakestream.sessionId(), d: lakestream.deviceId() }));
    await until('device C\'s 8 events through the rate limit', 45,
                async () => (await pageC.evaluate(() => lakestream.pending())) === 0);
    check(status429 >= 1, `the rate-limited source got ${status429} answer(s) 429, then its events through`);
    check(errors.length === 0, 'no page errors ' + errors.join('; '));
    log(`${failedPosts} sends failed (answers dropped, collector down)`);
  } finally {
    await browser.close();
  }
  const end = await killCollector('SIGTERM');
  check(end.code === 0, `the collector exited 0 on SIGTERM (${JSON.stringify(end)})`);
  pages.close();
  fs.writeFileSync(path.join(outDir, 'expected.json'),
                   JSON.stringify({ pageBase, collectorUrl, sessions, events: expected }, null, 1));
  log(`${expected.length} events generated`);
})().catch((e) => {
  console.error(String(e.stack || e));
  if (collector) collector.kill('SIGKILL');
  process.exit(1);
});
