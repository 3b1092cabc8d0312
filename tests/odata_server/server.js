// The SAP CAP OData fixture for lakestream's tests: SalesService over an
// in-memory SQLite database (sql.js driver, no native build), V4 at
// /odata/v4/sales and V2 at /odata/v2/sales, basic auth, bound to
// 127.0.0.1:$PORT. Seeds $ROWS (default 3000) deterministic orders.
//   PORT=NNNN [ROWS=N] [ODATA_USER=u ODATA_PASSWORD=p] node server.js
//   PORT=0 PORT_FILE=f node server.js   (tests/lib.sh: listens on a port the kernel picks and
//                                       writes it to f, atomically, once the service is ready)
// OAuth 2.0 client credentials, as a gateway in front of the service would do
// it: POST /oauth/token (client id/secret by basic auth, OAUTH_CLIENT_ID /
// OAUTH_CLIENT_SECRET, default lake-client / lake-client-secret) issues bearer
// tokens valid OAUTH_TOKEN_TTL seconds (default 3600); a valid bearer token is
// accepted in place of basic auth. GET /oauth/stats counts issued tokens.
const fs = require('fs');
const http = require('http');
const path = require('path');
const cds = require('@sap/cds');
const express = require('express');
const cov2ap = require('@cap-js-community/odata-v2-adapter');

const portFile = process.env.PORT_FILE || '';
const rows = Number(process.env.ROWS || 3000);
if (process.env.PORT === undefined || !/^[0-9]+$/.test(process.env.PORT) ||
    (Number(process.env.PORT) === 0 && !portFile)) {
  console.error('server.js: PORT is required (a number; 0 with PORT_FILE)');
  process.exit(2);
}
let port = Number(process.env.PORT);
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

const tokens = new Map();  // token -> expiry (ms)
let issued = 0;

function oauth(app) {
  const clientId = process.env.OAUTH_CLIENT_ID || 'lake-client';
  const clientSecret = process.env.OAUTH_CLIENT_SECRET || 'lake-client-secret';
  const ttl = Number(process.env.OAUTH_TOKEN_TTL || 3600);
  const basicUser = Buffer.from(`${process.env.ODATA_USER || 'lake'}:` +
                                `${process.env.ODATA_PASSWORD || 'lake-secret'}`).toString('base64');
  app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => {
    const auth = req.headers.authorization || '';
    const creds = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : '';
    const [id, secret] = creds.split(':').map(decodeURIComponent);
    if (id !== clientId || secret !== clientSecret) {
      return res.status(401).json({ error: 'invalid_client' });
    }
    if (req.body.grant_type !== 'client_credentials') {
      return res.status(400).json({ error: 'unsupported_grant_type' });
    }
    const token = require('crypto').randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + ttl * 1000);
    issued++;
    res.json({ access_token: token, token_type: 'bearer', expires_in: ttl });
  });
  app.get('/oauth/stats', (_req, res) => res.json({ issued }));
  app.use((req, res, next) => {
    const auth = req.headers.authorization || '';
    if (!auth.startsWith('Bearer ')) return next();
    const exp = tokens.get(auth.slice(7));
    if (!exp || exp < Date.now()) return res.status(401).json({ error: { message: 'invalid token' } });
    req.headers.authorization = 'Basic ' + basicUser;  // the service behind the gateway
    next();
  });
}

async function main() {
  const app = express();
  // Bound first, so that with PORT=0 the V2 adapter below knows the port to proxy to; the port
  // is published (PORT_FILE, the log line) only once every route is in place.
  const server = http.createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  port = server.address().port;
  app.get('/health', (_req, res) => res.send('ok'));
  oauth(app);
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
  // The V2 adapter registers its routes when cds announces the server.
  cds.emit('listening', { server, url: `http://127.0.0.1:${port}` });
  if (portFile) {
    fs.writeFileSync(portFile + '.tmp', `${port}\n`);
    fs.renameSync(portFile + '.tmp', portFile);
  }
  console.log(`odata fixture listening on 127.0.0.1:${port} with ${rows} orders`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((e) => {
  console.error('server.js:', e);
  process.exit(1);
});
