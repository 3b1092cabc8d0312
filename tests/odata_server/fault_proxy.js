// A small HTTP fault proxy for lakestream's OData tests. Forwards every request
// to TARGET and injects faults into chosen requests to the entity set (not
// $metadata):
//   FAULTS="2:500,3:429:1,5:timeout,7:cut,9:503"  request number (1-based) : fault
//     500/502/503/504  that status, no forwarding
//     429:S            429 with Retry-After: S seconds
//     timeout          accept, never answer (the client's timeout fires)
//     cut              forward, send headers and half the body, destroy the socket
// Counters and the fault log are at GET /_proxy/log. Binds 127.0.0.1:$PORT; with PORT=0 a port
// the kernel picks, written to $PORT_FILE (atomically) once listening (tests/lib.sh).
//   PORT=N TARGET=http://127.0.0.1:M FAULTS=... [PORT_FILE=f] node fault_proxy.js
const fs = require('fs');
const http = require('http');

const port = Number(process.env.PORT);
const target = new URL(process.env.TARGET);
const faults = new Map();
for (const spec of (process.env.FAULTS || '').split(',').filter(Boolean)) {
  const [n, kind, arg] = spec.split(':');
  faults.set(Number(n), { kind, arg });
}
let count = 0;
const log = [];
const hung = [];

function forward(req, body, onResponse) {
  const opts = {
    host: target.hostname, port: target.port, method: req.method,
    path: req.url, headers: { ...req.headers, host: `${target.hostname}:${target.port}` },
  };
  const up = http.request(opts, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => onResponse(res, Buffer.concat(chunks)));
  });
  up.on('error', (e) => onResponse(null, Buffer.from(String(e))));
  up.end(body);
}

const server = http.createServer((req, res) => {
  if (req.url === '/_proxy/log') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ requests: count, faults: log }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const isData = !req.url.includes('$metadata');
    const n = isData ? ++count : 0;
    const f = isData ? faults.get(n) : undefined;
    if (f) log.push({ n, fault: f.kind, url: req.url });
    if (f && /^5\d\d$/.test(f.kind)) {
      res.writeHead(Number(f.kind), { 'content-type': 'text/plain' });
      res.end('injected ' + f.kind);
      return;
    }
    if (f && f.kind === '429') {
      res.writeHead(429, { 'retry-after': f.arg || '1', 'content-type': 'text/plain' });
      res.end('injected 429');
      return;
    }
    if (f && f.kind === 'timeout') {
      hung.push(res);  // never answered; closed when the client gives up
      return;
    }
    forward(req, body, (up, data) => {
      if (!up) {
        res.writeHead(502);
        res.end(data);
        return;
      }
      const headers = { ...up.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(data.length);
      if (f && f.kind === 'cut') {
        res.writeHead(up.statusCode, headers);
        res.write(data.subarray(0, Math.floor(data.length / 2)), () => res.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode, headers);
      res.end(data);
    });
  });
});
server.listen(port, '127.0.0.1', () => {
  const bound = server.address().port;
  if (process.env.PORT_FILE) {
    fs.writeFileSync(process.env.PORT_FILE + '.tmp', `${bound}\n`);
    fs.renameSync(process.env.PORT_FILE + '.tmp', process.env.PORT_FILE);
  }
  console.log(`fault proxy on 127.0.0.1:${bound} -> ${target}`);
});
process.on('SIGTERM', () => {
  for (const r of hung) r.socket && r.socket.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});
