// A fault-injecting HTTP proxy for the Azure backend's fault tests: it sits
// between lakestream and Azurite and, at random (seeded), answers 503 or 429
// without forwarding, drops the connection in the middle of an upload (the
// request never reaches Azurite), or forwards a PUT and then drops the
// connection instead of answering (the write happened; the client cannot
// know). Probabilities are set at start (--p503 0.2 ...) and can be changed
// at run time: POST /__faults {"p503":0,"pDropUpload":0,...}; GET /__faults
// returns them with counters. Binds 127.0.0.1 on a free port and prints
// "listening on http://127.0.0.1:PORT".
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []));
if (!args.target) {
  console.error('usage: fault_proxy.mjs --target http://127.0.0.1:PORT [--seed N] ' +
                '[--p503 P] [--p429 P] [--pDropUpload P] [--pDropResponse P]');
  process.exit(2);
}
const target = new URL(args.target);
const faults = {
  p503: Number(args.p503 ?? 0), p429: Number(args.p429 ?? 0),
  pDropUpload: Number(args.pDropUpload ?? 0), pDropResponse: Number(args.pDropResponse ?? 0),
};
const counts = { requests: 0, forwarded: 0, s503: 0, s429: 0, dropUpload: 0, dropResponse: 0 };

// mulberry32: a small seeded generator so a failing run can be replayed.
let seed = Number(args.seed ?? 1) >>> 0;
function random() {
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(req, body) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method,
                              path: req.url, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.url === '/__faults') {
      if (req.method === 'POST') Object.assign(faults, JSON.parse((await readBody(req)) || '{}'));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...faults, ...counts }));
      return;
    }
    counts.requests++;
    const isUpload = req.method === 'PUT' && Number(req.headers['content-length'] ?? 0) > 0;
    const r = random();
    let edge = faults.p503;
    if (r < edge) {
      await readBody(req);
      counts.s503++;
      res.writeHead(503, { 'x-ms-error-code': 'ServerBusy', 'retry-after': '0' });
      res.end();
      return;
    }
    if (r < (edge += faults.p429)) {
      await readBody(req);
      counts.s429++;
      res.writeHead(429, { 'x-ms-error-code': 'ServerBusy', 'x-ms-retry-after-ms': '20' });
      res.end();
      return;
    }
    if (isUpload && r < (edge += faults.pDropUpload)) {
      // Take part of the body, then cut the connection: nothing reaches Azurite.
      counts.dropUpload++;
      req.once('data', () => req.socket.destroy());
      return;
    }
    const body = await readBody(req);
    const dropAfter = req.method !== 'GET' && req.method !== 'HEAD' &&
                      r < (edge += faults.pDropResponse);
    const up = await forward(req, body);
    counts.forwarded++;
    if (dropAfter) {
      counts.dropResponse++;
      req.socket.destroy();  // the write happened; the client never hears so
      return;
    }
    res.writeHead(up.status, up.headers);
    res.end(up.body);
  } catch (e) {
    res.writeHead(502);
    res.end(String(e));
  }
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  console.log(`fault proxy listening on http://127.0.0.1:${server.address().port} -> ${target}`);
});
process.on('SIGTERM', () => process.exit(0));
