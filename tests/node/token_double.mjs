// A test double for Microsoft Entra ID's token endpoint and an Azure managed
// identity endpoint (neither can run here), plus a minimal blob endpoint that
// only answers requests bearing a token it issued. It checks what a real
// endpoint checks: the client-credentials form (grant_type, client_id,
// client_secret, scope for Azure Storage) and the managed identity header
// and resource. Binds 127.0.0.1 on a free port and prints
// "listening on http://127.0.0.1:PORT".
//   node token_double.mjs --client-id ID --client-secret S --identity-header H
// GET /__stats returns {"tokens": n} (tokens issued).
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []));
const issued = new Set();
let tokens = 0;

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}
function json(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}
function issue() {
  const t = `token-${++tokens}-${Math.random().toString(36).slice(2)}`;
  issued.add(t);
  return t;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/__stats') return json(res, 200, { tokens });
  const m = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
  if (m && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return json(res, 400, { error: 'invalid_request', error_description: 'form encoding' });
    }
    if (form.get('grant_type') !== 'client_credentials' ||
        form.get('scope') !== 'https://storage.azure.com/.default') {
      return json(res, 400, { error: 'invalid_request', error_description: 'grant or scope' });
    }
    if (form.get('client_id') !== args['client-id'] ||
        form.get('client_secret') !== args['client-secret']) {
      return json(res, 401, { error: 'invalid_client',
                              error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    return json(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: issue() });
  }
  if (url.pathname === '/msi/token' && req.method === 'GET') {
    if (req.headers['x-identity-header'] !== args['identity-header'] ||
        url.searchParams.get('resource') !== 'https://storage.azure.com/' ||
        !url.searchParams.get('api-version')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'header or resource' });
    }
    const on = Math.floor(Date.now() / 1000) + 3600;
    return json(res, 200, { access_token: issue(), expires_on: String(on),
                            resource: 'https://storage.azure.com/', token_type: 'Bearer' });
  }
  // The blob endpoint: HEAD /<account>/<container>/<blob>.
  if (req.method === 'HEAD' && url.pathname.split('/').length >= 4) {
    const auth = req.headers['authorization'] ?? '';
    const ok = auth.startsWith('Bearer ') && issued.has(auth.slice(7)) && req.headers['x-ms-version'];
    if (!ok) {
      res.writeHead(403, { 'x-ms-error-code': 'InvalidAuthenticationInfo' });
      return res.end();
    }
    res.writeHead(200, { 'content-length': '5', 'last-modified': new Date().toUTCString() });
    return res.end();
  }
  res.writeHead(404);
  res.end();
});
server.listen(0, '127.0.0.1', () => {
  console.log(`token double listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
