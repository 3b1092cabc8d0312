// Drives the dashboard in headless Chromium (Debian's chromium, through
// playwright-core): the page shows data and the "as of" time, the Refresh
// button is enabled when the data is stale and disabled when fresh, and a
// click runs a refresh whose progress and completion appear. Saves
// screenshots to OUT_DIR.
//   node browser_check.js BASE_URL TOKEN STALE_AFTER_SECONDS OUT_DIR [gate]
// gate: the server holds each load at its test gate (refresh_server --test-load-gate); the
// check releases it once the page shows the refresh running, so "running" is observed for sure.
const { chromium } = require('playwright-core');
const [base, token, staleAfter, outDir, gateArg] = process.argv.slice(2);
const gated = gateArg === 'gate';

function check(cond, what) {
  if (!cond) throw new Error('browser check failed: ' + what);
  console.log('ok: ' + what);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/dashboard#token=${token}`);
    const btn = page.locator('#refresh-btn');
    // No data yet: stale, the button is enabled.
    await page.waitForFunction(() => document.getElementById('freshness').textContent === 'stale');
    await page.waitForFunction(() => !document.getElementById('refresh-btn').disabled, null, { timeout: 30000 });
    check(await page.locator('#as-of').textContent() === 'unknown', 'as-of unknown before the first load');
    await btn.click();
    await page.waitForSelector('#progress-card:not([hidden])');
    check(await btn.isDisabled(), 'button disabled while the refresh runs');
    if (gated) {
      await page.waitForFunction(() => /running/.test(document.getElementById('state').textContent),
                                 null, { timeout: 60000 });
      check(await btn.isDisabled(), 'button disabled while the load is held');
      const r = await fetch(`${base}/_test/gate/release`,
                            { method: 'POST', body: '{}',
                              headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
      check(r.ok, 'load gate released');
    } else {
      await page.waitForFunction(() => /(running|succeeded)/.test(document.getElementById('state').textContent));
    }
    await page.waitForFunction(() => document.getElementById('state').textContent === 'succeeded', null, { timeout: 120000 });
    const progress = await page.locator('#progress').textContent();
    check(/load orders: .*rows read/.test(progress), 'progress shows the load: ' + progress.split('\n')[0]);
    check(/transform /.test(progress), 'progress shows the transform');
    await page.waitForFunction(() => document.querySelectorAll('#data-table tr').length > 1, null, { timeout: 30000 });
    const rows = await page.locator('#data-table tr').count();
    check(rows > 1, `data table shows ${rows - 1} rows`);
    check(await page.locator('#chart-svg rect').count() > 0, 'chart has bars');
    const asOf = await page.locator('#as-of').textContent();
    check(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/.test(asOf), 'as-of time shown: ' + asOf);
    await page.waitForFunction(() => document.getElementById('freshness').textContent === 'fresh');
    check(await btn.isDisabled(), 'button disabled when the data is fresh');
    check(await page.locator('#history tr').count() > 1, 'load history listed');
    await page.screenshot({ path: `${outDir}/dashboard_fresh.png`, fullPage: true });
    // After stale_after seconds the data is stale again and the button comes back.
    await page.waitForFunction(() => !document.getElementById('refresh-btn').disabled, null,
                               { timeout: (Number(staleAfter) + 30) * 1000 });
    check(await page.locator('#freshness').textContent() === 'stale', 'stale badge after ' + staleAfter + ' s');
    await page.screenshot({ path: `${outDir}/dashboard_stale.png`, fullPage: true });
    check(errors.length === 0, 'no page errors ' + errors.join('; '));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(String(e.stack || e)); process.exit(1); });
