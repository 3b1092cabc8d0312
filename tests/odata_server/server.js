// The SAP CAP OData fixture for lakestream's tests: SalesService over an
// in-memory SQLite database (sql.js driver, no native build), V4 at
// /odata/v4/sales and V2 at /odata/v2/sales, basic auth, bound to
// 127.0.0.1:$PORT. Seeds $ROWS (default 3000) deterministic orders.
//   PORT=NNNN [ROWS=N] [ODATA_USER=u ODATA_PASSWORD=p] node server.js
const path = require('path');
const cds = require('@sap/cds');
const express = require('express');
const cov2ap = require('@cap-js-community/odata-v2-adapter');

const port = Number(process.env.PORT);
const rows = Number(process.env.ROWS || 3000);
if (!port) {
  console.error('server.js: PORT is required');
  process.exit(2);
}
cds.root = __dirname;
cds.env.requires.db = { kind: 'sqlite', impl: '@cap-js/sqlite', driver: 'sql.js',
                        credentials: { url: ':memory:' } };
cds.env.requires.auth = {
  kind: 'basic',
  users: {
    [process.env.ODATA_USER || 'lake']: { password: process.env.ODATA_PASSWORD || 'lake-secret' },
    '*': false,
  },
};

function seedRows(n) {
  const customers = ['ACME', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka'];
  const currencies = ['EUR', 'USD', 'GBP', 'CHF'];
  const regions = ['EMEA', 'AMER', 'APJ', null];
  const statuses = ['N', 'P', 'S', 'C'];
  const base = Date.UTC(2024, 0, 1);
  const out = [];
  for (let i = 1; i <= n; i++) {
    out.push({
      ID: 'SO' + String(i).padStart(6, '0'),
      customer: customers[i % customers.length],
      region: i % 37 === 0 ? null : regions[i % 3],
      amount: ((i * 7919) % 100000 / 100 + 10).toFixed(2),
      currency: currencies[i % currencies.length],
      status: statuses[i % statuses.length],
      quantity: (i % 50) + 1,
      orderDate: new Date(base + (i % 365) * 86400000).toISOString().slice(0, 10),
      modifiedAt: new Date(base + i * 60000).toISOString(),
    });
  }
  return out;
}

async function main() {
  const app = express();
  app.get('/health', (_req, res) => res.send('ok'));
  app.use(cov2ap({ target: `http://127.0.0.1:${port}`, path: 'odata/v2' }));
  const csn = await cds.load('*');
  cds.edmxs = cds.compile.to.edmx.files(csn);
  cds.model = cds.compile.for.nodejs(csn);
  cds.db = await cds.connect.to('db');
  await cds.deploy(csn).to(cds.db);
  const data = seedRows(rows);
  for (let i = 0; i < data.length; i += 500) {
    await INSERT.into('lakestream.sales.SalesOrders').entries(data.slice(i, i + 500));
  }
  await cds.serve('all').in(app);
  const server = app.listen(port, '127.0.0.1', () => {
    // The V2 adapter registers its routes when cds announces the server.
    cds.emit('listening', { server, url: `http://127.0.0.1:${port}` });
    console.log(`odata fixture listening on 127.0.0.1:${port} with ${rows} orders`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((e) => {
  console.error('server.js:', e);
  process.exit(1);
});
