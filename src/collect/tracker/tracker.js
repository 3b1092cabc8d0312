/*! lakestream tracker 1 | served by `lakestream collect` at /v1/tracker.js | docs/collector.md */
// The browser tracker: page views, clicks and custom events, sent in batches to the
// collector that served this file (POST /v1/batch), each event with its own event_id
// (UUID v4 from crypto.getRandomValues) kept across every resend, so the pipeline's
// event_id dedup turns at-least-once delivery into exactly once in the table.
//
// Delivery: an event stays in a queue (memory, mirrored to localStorage) until the collector
// answers 2xx for a request that carried it. 429, 5xx, 408 and network errors are retried
// with exponential backoff (Retry-After honoured); 400 and 413 split the batch to isolate the
// events the collector refuses, which are dropped (they would be refused again); 401, 403,
// 404 and 415 drop the batch (a configuration error). On pagehide and when the page is
// hidden, unacknowledged events go out with navigator.sendBeacon and stay queued: the next
// page of the site adopts the queue and sends them again to get an answer (same event_ids).
// A queue whose page died without pagehide is adopted after `orphanAfter`.
//
// Configuration: data-* attributes of this script's tag, overridden by window.lakestreamConfig
// (names below). No build step; plain ES2017; no dependencies.
(function (window, document) {
  'use strict';
  if (!window || !document || (window.lakestream && window.lakestream.__tracker)) return;

  var VERSION = 'lakestream-js/1';
  var PREFIX = 'lakestream:';
  var script = document.currentScript;
  var attr = function (name) { return script ? script.getAttribute('data-' + name) : null; };
  var user = window.lakestreamConfig || {};
  var pick = function (key, dataName, fallback, parse) {
    if (user[key] !== undefined) return user[key];
    var v = attr(dataName);
    return v === null ? fallback : parse(v);
  };
  var num = Number;
  var bool = function (v) { return v !== 'false' && v !== '0'; };
  var str = String;
  var scriptOrigin = script && script.src ? new URL(script.src, window.location.href).origin : '';

  var config = {
    writeKey: pick('writeKey', 'write-key', '', str),
    endpoint: pick('endpoint', 'endpoint', scriptOrigin, str).replace(/\/+$/, ''),
    autoPageview: pick('autoPageview', 'auto-pageview', true, bool),
    autoClicks: pick('autoClicks', 'auto-clicks', true, bool),
    clickText: pick('clickText', 'click-text', true, bool),
    spa: pick('spa', 'spa', false, bool),
    batchSize: pick('batchSize', 'batch-size', 20, num),
    flushInterval: pick('flushInterval', 'flush-interval', 1000, num),
    maxQueue: pick('maxQueue', 'max-queue', 1000, num),
    maxBatchBytes: pick('maxBatchBytes', 'max-batch-bytes', 512 * 1024, num),
    retryBase: pick('retryBase', 'retry-base', 1000, num),
    retryMax: pick('retryMax', 'retry-max', 60000, num),
    sessionTimeout: pick('sessionTimeout', 'session-timeout', 30 * 60 * 1000, num),
    dedupWindow: pick('dedupWindow', 'dedup-window', 24 * 3600 * 1000, num),
    orphanAfter: pick('orphanAfter', 'orphan-after', 30000, num)
  };
  var BEACON_BYTES = 60 * 1024;  // browsers cap the bytes of queued beacons at 64 KiB
  var HEARTBEAT = 5000;

  function warn(msg) {
    if (window.console && window.console.warn) window.console.warn('lakestream: ' + msg);
  }

  // --- storage: localStorage when it works, else memory only -----------------------------
  var store = (function () {
    try {
      var s = window.localStorage, k = PREFIX + 'probe';
      s.setItem(k, '1');
      s.removeItem(k);
      return s;
    } catch (e) {
      return null;
    }
  })();
  function load(key) {
    if (!store) return null;
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }
  function save(key, value) {
    if (!store) return false;
    try { store.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function remove(key) {
    if (store) try { store.removeItem(key); } catch (e) { /* storage gone */ }
  }

  // --- ids ---------------------------------------------------------------------------------
  function uuid4() {
    var b = new Uint8Array(16);
    var c = window.crypto || window.msCrypto;
    if (c && c.getRandomValues) {
      c.getRandomValues(b);
    } else {
      for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    }
    b[6] = (b[6] & 0x0f) | 0x40;  // version 4
    b[8] = (b[8] & 0x3f) | 0x80;  // variant 10
    var h = '';
    for (var j = 0; j < 16; j++) {
      h += (b[j] + 0x100).toString(16).slice(1);
      if (j === 3 || j === 5 || j === 7 || j === 9) h += '-';
    }
    return h;
  }
  var memory = {};  // ids when there is no storage
  function persistentId(name) {
    var v = store ? load(PREFIX + name) : memory[name];
    if (typeof v !== 'string' || !v) {
      v = uuid4();
      if (store) save(PREFIX + name, v); else memory[name] = v;
    }
    return v;
  }
  // A session ends after sessionTimeout without an event (shared by the site's tabs).
  function sessionId(now) {
    var s = store ? load(PREFIX + 'session') : memory.session;
    if (!s || typeof s.id !== 'string' || now - s.last > config.sessionTimeout) s = { id: uuid4() };
    s.last = now;
    if (store) save(PREFIX + 'session', s); else memory.session = s;
    return s.id;
  }

  // --- the queue -----------------------------------------------------------------------------
  // Entries: {e: event, a: ms of the first send attempt that may have reached the collector
  // (0 = none), f: in flight}. This page's queue is stored under its own key, so tabs never
  // overwrite each other's; a closed or dead page's queue is adopted by the next page.
  var pageKey = PREFIX + 'q:' + uuid4();
  var queue = [];
  var closed = false;

  function persist() {
    var events = [];
    for (var i = 0; i < queue.length; i++) events.push({ e: queue[i].e, a: queue[i].a });
    if (!events.length) return remove(pageKey);
    // Over the quota this fails: the queue goes on in memory and is saved when there is room.
    save(pageKey, { v: 1, ep: config.endpoint, wk: config.writeKey, hb: Date.now(),
                    closed: closed, events: events });
  }

  function adoptOrphans() {
    if (!store) return;
    var keys = [];
    try {
      for (var i = 0; i < store.length; i++) {
        var k = store.key(i);
        if (k && k.indexOf(PREFIX + 'q:') === 0 && k !== pageKey) keys.push(k);
      }
    } catch (e) { return; }
    var now = Date.now(), adopted = 0;
    keys.forEach(function (k) {
      var q = load(k);
      if (!q || !q.events) return remove(k);
      if (q.ep !== config.endpoint || q.wk !== config.writeKey) return;
      if (!q.closed && now - q.hb < config.orphanAfter) return;  // a live tab's queue
      remove(k);
      q.events.forEach(function (x) {
        // Sent long ago and perhaps delivered: past the pipeline's dedup window a resend
        // could land twice, so it is dropped instead.
        if (x.a && now - x.a > config.dedupWindow) return;
        queue.push({ e: x.e, a: x.a || 0, f: false });
        adopted++;
      });
    });
    if (adopted) {
      trim();
      persist();
    }
    return adopted;
  }

  function trim() {
    if (queue.length > config.maxQueue) {
      var n = queue.length - config.maxQueue;
      warn('queue over ' + config.maxQueue + ' events: dropping the ' + n + ' oldest');
      queue.splice(0, n);
    }
  }

  // --- events --------------------------------------------------------------------------------
  var userId = store ? load(PREFIX + 'user') : null;

  function enqueue(type, properties) {
    var now = Date.now();
    var ev = {
      event_id: uuid4(),
      event_type: String(type),
      event_time: new Date(now).toISOString(),
      session_id: sessionId(now),
      device_id: persistentId('device'),
      page_url: window.location.href,
      page_title: document.title,
      referrer: document.referrer || null,
      screen_width: window.screen ? window.screen.width : null,
      screen_height: window.screen ? window.screen.height : null,
      language: window.navigator.language || null,
      tracker: VERSION
    };
    if (userId) ev.user_id = userId;
    if (properties && typeof properties === 'object') {
      try {
        ev.properties = JSON.parse(JSON.stringify(properties));  // a copy that serialises
      } catch (e) {
        warn('properties of ' + type + ' are not JSON (' + e.message + '): left out');
      }
    }
    queue.push({ e: ev, a: 0, f: false });
    trim();
    persist();
    schedule(queue.length >= config.batchSize ? 0 : config.flushInterval);
    return ev.event_id;
  }

  function clickProperties(el) {
    var p = { tag: el.tagName.toLowerCase() };
    if (el.id) p.id = el.id;
    if (typeof el.className === 'string' && el.className) p.classes = el.className;
    if (el.href) p.href = String(el.href);
    if (config.clickText) {
      var t = (el.innerText || el.value || '').replace(/\s+/g, ' ').trim();
      if (t && el.type !== 'password') p.text = t.slice(0, 100);
    }
    var data = el.getAttribute('data-track');
    if (data) p.label = data;
    return p;
  }

  function onClick(event) {
    var el = event.target;
    while (el && el.nodeType === 1) {
      if (el.matches('a, button, input[type=submit], input[type=button], [data-track]')) {
        enqueue('click', clickProperties(el));
        return;
      }
      el = el.parentElement;
    }
  }

  // --- sending -------------------------------------------------------------------------------
  var timer = null;
  var inFlight = false;
  var failures = 0;
  var retryAt = 0;
  var splitTo = 0;  // after a 400/413: batches of at most this many, until one succeeds
  var flushWaiters = [];

  function schedule(delay) {
    if (closed) return;
    var at = Math.max(Date.now() + delay, retryAt);
    if (timer && timer.at <= at) return;
    if (timer) clearTimeout(timer.id);
    timer = { at: at, id: setTimeout(function () { timer = null; send(); }, Math.max(0, at - Date.now())) };
  }

  function batchUrl() {
    return config.endpoint + '/v1/batch?wk=' + encodeURIComponent(config.writeKey);
  }

  // Up to `count` entries of `from` and `limitBytes` of JSON, oldest first.
  function take(from, limitBytes, count) {
    var batch = [], bytes = 2;
    for (var i = 0; i < from.length && batch.length < count; i++) {
      var size = JSON.stringify(from[i].e).length + 1;
      if (batch.length && bytes + size > limitBytes) break;
      batch.push(from[i]);
      bytes += size;
    }
    return batch;
  }

  function body(batch) {
    return '[' + batch.map(function (x) { return JSON.stringify(x.e); }).join(',') + ']';
  }

  function settle(batch) {  // acknowledged (or dropped): out of the queue
    queue = queue.filter(function (x) { return batch.indexOf(x) < 0; });
    persist();
  }

  // Exponential backoff with jitter (half fixed, half random), at least Retry-After.
  function backoff(retryAfterSeconds) {
    failures++;
    var d = Math.min(config.retryMax, config.retryBase * Math.pow(2, failures - 1));
    d = d / 2 + Math.random() * d / 2;
    if (retryAfterSeconds > 0) d = Math.max(d, Math.min(config.retryMax, retryAfterSeconds * 1000));
    retryAt = Date.now() + d;
    return d;
  }

  function wakeWaiters() {
    if (queue.length) return;
    var w = flushWaiters;
    flushWaiters = [];
    w.forEach(function (f) { f(); });
  }

  // One request at a time, so the collector receives a device's events in order.
  function send() {
    if (closed || inFlight) return;
    if (!config.writeKey) return warn('no write key (data-write-key on the script tag)');
    if (window.navigator.onLine === false) return;  // the 'online' event resumes
    if (Date.now() < retryAt) return schedule(0);
    var batch = take(queue, config.maxBatchBytes, splitTo || config.batchSize);
    if (!batch.length) return wakeWaiters();
    inFlight = true;
    var now = Date.now();
    batch.forEach(function (x) { x.f = true; if (!x.a) x.a = now; });
    persist();
    var done = function (outcome, detail) {
      inFlight = false;
      batch.forEach(function (x) { x.f = false; });
      if (outcome === 'retry') {
        persist();
        return schedule(backoff(detail));
      }
      failures = 0;
      retryAt = 0;
      if (outcome === 'split' && batch.length > 1) {
        splitTo = Math.ceil(batch.length / 2);  // bisect to the refused events
      } else {
        if (outcome === 'split') warn('event ' + batch[0].e.event_id + ' refused (' + detail + '): dropped');
        if (outcome === 'ok') splitTo = 0;
        settle(batch);
      }
      // A backlog goes on at once; a few new events wait for their batch to fill.
      if (queue.length >= config.batchSize || flushWaiters.length) schedule(0);
      else if (queue.length) schedule(config.flushInterval);
      else wakeWaiters();
    };
    window.fetch(batchUrl(), {
      method: 'POST',
      // text/plain and no custom header: a CORS "simple" request, no preflight round trip.
      headers: { 'Content-Type': 'text/plain' },
      body: body(batch),
      credentials: 'omit'
    }).then(function (res) {
      var s = res.status;
      if (s >= 200 && s < 300) return done('ok');
      if (s === 429 || s === 408 || s >= 500) {
        return done('retry', Number(res.headers.get('Retry-After')) || 0);
      }
      if (s === 400 || s === 413) return done('split', s);
      warn('collector answered ' + s + ' to a batch of ' + batch.length + ' events: dropped');
      return done('drop');
    }, function () {
      done('retry', 0);  // no answer: the same events, same event_ids, later
    });
  }

  // The page goes away (or is hidden, the last moment a mobile browser surely runs code):
  // beacon what is unacknowledged and not beaconed yet. The events stay queued, marked
  // `closed`, so the next page adopts them and sends them once more for an answer.
  function beaconAll() {
    if (!config.writeKey || !window.navigator.sendBeacon) return;
    var now = Date.now();
    // In-flight requests may still land; their events wait for the next page.
    var rest = queue.filter(function (x) { return !x.f && !x.b; });
    while (rest.length) {
      var batch = take(rest, BEACON_BYTES, rest.length);
      rest = rest.slice(batch.length);
      var ok = false;
      try { ok = window.navigator.sendBeacon(batchUrl(), body(batch)); } catch (e) { ok = false; }
      if (!ok) break;  // over the browser's beacon budget: the rest waits in storage
      batch.forEach(function (x) { x.b = true; if (!x.a) x.a = now; });
    }
  }

  function onHide() {
    if (closed) return;
    closed = true;
    if (timer) { clearTimeout(timer.id); timer = null; }
    beaconAll();
    persist();
  }
  function onShow() {  // back from the back/forward cache, or visible again
    if (!closed) return;
    closed = false;
    queue.forEach(function (x) { x.b = false; });
    persist();
    schedule(0);
  }

  // --- start ---------------------------------------------------------------------------------
  var api = {
    __tracker: VERSION,
    // lakestream.track(name, props): a custom event; returns its event_id.
    track: function (name, properties) { return enqueue(name, properties); },
    // lakestream.page(props): a page view of the current URL; returns its event_id.
    page: function (properties) { return enqueue('page_view', properties); },
    // lakestream.identify(userId): following events carry user_id (null to forget it).
    identify: function (id) {
      userId = id === null || id === undefined ? null : String(id);
      if (userId) save(PREFIX + 'user', userId); else remove(PREFIX + 'user');
    },
    // lakestream.reset(): a new device id and session, no user id (e.g. at logout).
    reset: function () {
      api.identify(null);
      remove(PREFIX + 'device');
      remove(PREFIX + 'session');
      delete memory.device;
      delete memory.session;
    },
    // lakestream.flush(): sends now; resolves when the queue is empty.
    flush: function () {
      return new Promise(function (resolve) {
        flushWaiters.push(resolve);
        retryAt = 0;
        schedule(0);
        wakeWaiters();
      });
    },
    // Events not yet acknowledged by the collector.
    pending: function () { return queue.length; },
    sessionId: function () { return sessionId(Date.now()); },
    deviceId: function () { return persistentId('device'); },
    config: config,
    // Commands queued before the script loaded: lakestream.push(['track', 'signup', {...}]).
    push: function (cmd) {
      if (cmd && typeof api[cmd[0]] === 'function') return api[cmd[0]].apply(api, cmd.slice(1));
      warn('unknown command ' + (cmd && cmd[0]));
    }
  };

  var early = Array.isArray(window.lakestream) ? window.lakestream : [];
  window.lakestream = api;
  if (!config.writeKey) warn('no write key: set data-write-key on the script tag');

  if (adoptOrphans()) schedule(0);  // events of an earlier page go out at once
  if (config.autoPageview) api.page();
  early.forEach(api.push);
  if (config.autoClicks) document.addEventListener('click', onClick, true);
  if (config.spa && window.history && window.history.pushState) {
    var last = window.location.href;
    var changed = function () {
      if (window.location.href !== last) { last = window.location.href; api.page(); }
    };
    ['pushState', 'replaceState'].forEach(function (m) {
      var orig = window.history[m];
      window.history[m] = function () { var r = orig.apply(this, arguments); changed(); return r; };
    });
    window.addEventListener('popstate', changed);
  }
  window.addEventListener('pagehide', onHide);
  window.addEventListener('pageshow', onShow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') onHide(); else onShow();
  });
  window.addEventListener('online', function () { retryAt = 0; schedule(0); });
  // Heartbeat: a live page's queue is not adopted by other tabs, and this one adopts the
  // queues of tabs that died without pagehide.
  setInterval(function () {
    if (closed) return;
    if (queue.length) persist();
    if (adoptOrphans()) schedule(0);
  }, HEARTBEAT);
})(typeof window !== 'undefined' ? window : null, typeof document !== 'undefined' ? document : null);
