// vigie's live page: every camera over one WebSocket (see live.rs).
//
// Binary message: 01, name length (1 byte), name (UTF-8), JPEG.
// Text message:   {"type": "state", "cameras": [...], ...} once a second.
// We answer each picture with the camera's name once it is drawn: the
// server sends that camera nothing new until then, so a slow device gets
// fewer pictures, never a backlog. While one camera is shown alone we
// send {"select": [name]}, and {"select": null} back in the grid: hidden
// cameras cost no bandwidth.
//
// The words are French or English, as <html lang> says (the server chose
// it from Accept-Language or the switch's cookie, see lang.rs).
'use strict';

(() => {
  const WORDS = {
    fr: {
      locale: 'fr-FR', comma: ',', fps: 'i/s', camera: 'caméra', waiting: 'en attente d’image',
      ago: (t) => `il y a ${t}`, port: (p) => `en attente de caméras sur le port ${p}`,
      none: 'aucune caméra connectée',
      connected: (c) => `${c} caméra${c > 1 ? 's' : ''} connectée${c > 1 ? 's' : ''}`,
      recordFails: '⚠ enregistrement impossible', stale: 'FIGÉE depuis', offline: 'HORS LIGNE depuis',
      events: (n, r) => (r > 0 ? `événements (${n}, ${r} en cours)` : `événements (${n})`),
      peak: 'pic', deleted: 'fichier supprimé', running: 'en cours', since: 'depuis',
      segment: 'segment', writing: (n) => `segment ${n} en cours d’écriture`,
      live: 'en direct', lost: 'connexion perdue, nouvel essai…',
      mqtt: { connected: 'MQTT connecté', connecting: 'MQTT : connexion…', disconnected: 'MQTT déconnecté' },
    },
    en: {
      locale: 'en-GB', comma: '.', fps: 'fps', camera: 'camera', waiting: 'waiting for a picture',
      ago: (t) => `${t} ago`, port: (p) => `waiting for cameras on port ${p}`,
      none: 'no camera connected',
      connected: (c) => `${c} camera${c > 1 ? 's' : ''} connected`,
      recordFails: '⚠ cannot record', stale: 'FROZEN for', offline: 'OFFLINE for',
      events: (n, r) => (r > 0 ? `events (${n}, ${r} in progress)` : `events (${n})`),
      peak: 'peak', deleted: 'file deleted', running: 'in progress', since: 'since',
      segment: 'segment', writing: (n) => `segment ${n} being written`,
      live: 'live', lost: 'connection lost, retrying…',
      mqtt: { connected: 'MQTT connected', connecting: 'MQTT: connecting…', disconnected: 'MQTT disconnected' },
    },
  };
  const W = WORDS[document.documentElement.lang] || WORDS.fr;
  const grid = document.getElementById('grid');
  const empty = document.getElementById('empty');
  const count = document.getElementById('count');
  const link = document.getElementById('link');
  const identity = document.getElementById('identity');
  const fingerprint = document.getElementById('fingerprint');
  const mqtt = document.getElementById('mqtt');
  const names = new TextDecoder();
  const tiles = new Map(); // name -> tile
  let state = null; // the last state message
  let stateAt = 0; // performance.now() when it came
  let solo = null; // the name shown alone, if any
  let socket = null;
  let retry = 500;

  // Words and numbers as the window writes them (caption.rs).
  const decimal = (x) => x.toFixed(1).replace('.', W.comma);
  const pad = (n) => String(n).padStart(2, '0');
  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
    return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  }
  const age = (s) => W.ago(s < 10 ? `${decimal(s)} s` : duration(s));
  function latency(ms) {
    if (ms < 1000) return `${Math.floor(ms)} ms`;
    if (ms < 60000) return `${decimal(ms / 1000)} s`;
    return duration(ms / 1000);
  }
  const fps = (x) => `${decimal(Number.isFinite(x) ? Math.min(Math.max(x, 0), 9999) : 0)} ${W.fps}`;

  function element(tag, cls, parent) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }

  function makeTile(name) {
    const el = element('figure', 'tile online');
    const frame = element('div', 'frame', el);
    const img = element('img', null, frame);
    img.alt = `${W.camera} ${name}`;
    element('div', 'waiting', frame).textContent = W.waiting;
    element('span', 'rec', frame).textContent = '● REC';
    const label = element('div', 'label', frame);
    const caption = element('figcaption', null, el);
    const shown = element('b', 'name', caption);
    shown.textContent = name;
    const fields = element('span', 'fields', caption);
    el.addEventListener('click', () => toggleSolo(name));
    return { name, el, img, label, shown, fields, url: null, old: [], info: null };
  }

  function tileFor(name) {
    let tile = tiles.get(name);
    if (!tile) {
      tile = makeTile(name);
      tiles.set(name, tile);
      grid.appendChild(tile.el);
      layout();
    }
    return tile;
  }

  function removeTile(tile) {
    tile.el.remove();
    for (const u of [tile.url, ...tile.old]) if (u) URL.revokeObjectURL(u);
    tiles.delete(tile.name);
    if (solo === tile.name) toggleSolo(null);
  }

  // ceil(sqrt(n)) columns, as the window's grid_shape.
  function layout() {
    const n = tiles.size;
    let cols = Math.max(1, Math.ceil(Math.sqrt(n)));
    while (cols > 1 && (cols - 1) * (cols - 1) >= n) cols -= 1;
    const rows = Math.max(1, Math.ceil(n / cols));
    grid.style.setProperty('--cols', cols);
    grid.style.setProperty('--rows', rows);
  }

  function toggleSolo(name) {
    solo = name && solo !== name ? name : null;
    grid.classList.toggle('solo', solo !== null);
    for (const t of tiles.values()) t.el.classList.toggle('chosen', t.name === solo);
    sendSelection();
  }

  // Only what is shown comes over the network: the camera alone, or all.
  function sendSelection() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ select: solo === null ? null : [solo] }));
    }
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && solo !== null) toggleSolo(null);
  });

  function showPicture(tile, jpeg) {
    const url = URL.createObjectURL(new Blob([jpeg], { type: 'image/jpeg' }));
    if (tile.url) tile.old.push(tile.url);
    tile.url = url;
    tile.img.onload = tile.img.onerror = () => {
      for (const u of tile.old) URL.revokeObjectURL(u);
      tile.old = [];
      tile.el.classList.add('has-image');
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(tile.name);
    };
    tile.img.src = url;
  }

  function applyState(message) {
    state = message;
    stateAt = performance.now();
    const seen = new Set();
    for (const info of message.cameras) {
      seen.add(info.name);
      const tile = tileFor(info.name);
      tile.info = info;
      // The config's display name, if it gives one (a reload may change it).
      const shown = info.display_name || info.name;
      if (tile.shown.textContent !== shown) {
        tile.shown.textContent = shown;
        tile.img.alt = `${W.camera} ${shown}`;
      }
    }
    for (const tile of [...tiles.values()]) if (!seen.has(tile.name)) removeTile(tile);
    // Keep the server's order (by name).
    for (const info of message.cameras) grid.appendChild(tiles.get(info.name).el);
    // Shown as text, never as HTML (and it is hex and colons anyway).
    identity.hidden = !message.server_fingerprint;
    fingerprint.textContent = message.server_fingerprint || '';
    // The broker's connection (Home Assistant), when the server publishes
    // to MQTT: green when connected; the broker and the last error in the
    // tooltip.
    const broker = message.mqtt;
    mqtt.hidden = !broker;
    if (broker) {
      mqtt.textContent = W.mqtt[broker.state] || `MQTT: ${broker.state}`;
      mqtt.classList.toggle('live', broker.state === 'connected');
      const why = broker.last_error ? ` — ${broker.last_error}` : '';
      mqtt.title = `${broker.broker}${why}`;
    }
    const n = message.cameras.length;
    empty.hidden = n > 0;
    if (n === 0) empty.textContent = W.port(message.camera_port);
    const c = message.connected;
    count.textContent = c === 0 ? W.none : W.connected(c);
    layout();
    render();
  }

  // Captions and state labels. Ages move on between two state messages,
  // by at most one period: past that, the server has stopped telling us
  // (the link line says so) and a made-up age would mislead.
  function render() {
    if (!state) return;
    const dt = Math.min((performance.now() - stateAt) / 1000, 1);
    for (const tile of tiles.values()) {
      const c = tile.info;
      if (!c) continue;
      const fields = [fps(c.fps)];
      if (c.width != null) fields.push(`${c.width}×${c.height}`);
      if (c.latency_p50_ms != null) fields.push(latency(c.latency_p50_ms));
      if (c.last_frame_age_s != null) fields.push(age(c.last_frame_age_s + dt));
      if (c.record_error) fields.push(W.recordFails);
      tile.el.title = c.record_error || '';
      const live = c.state !== 'offline';
      tile.el.classList.toggle('motion', live && c.motion);
      tile.el.classList.toggle('recording', live && c.recording);
      tile.fields.textContent = fields.map((f) => `  ${f}`).join('');
      for (const s of ['online', 'stale', 'offline']) tile.el.classList.toggle(s, c.state === s);
      const since = duration(c.state_for_s + dt);
      tile.label.textContent =
        c.state === 'stale' ? `${W.stale} ${since}`
          : c.state === 'offline' ? `${W.offline} ${since}` : '';
    }
  }
  setInterval(render, 250);

  function onMessage(event) {
    if (typeof event.data === 'string') {
      const message = JSON.parse(event.data);
      if (message.type === 'state') applyState(message);
      return;
    }
    const bytes = new Uint8Array(event.data);
    if (bytes.length < 2 || bytes[0] !== 1) return;
    const end = 2 + bytes[1];
    const name = names.decode(bytes.subarray(2, end));
    showPicture(tileFor(name), bytes.subarray(end));
  }

  // Events (when the server records): a list refreshed every few
  // seconds, the ones going on first, each with its thumbnail; a click
  // replays the recording.
  const eventsToggle = document.getElementById('events-toggle');
  const eventsPanel = document.getElementById('events');
  const eventsList = document.getElementById('events-list');
  const eventsEmpty = document.getElementById('events-empty');
  const replay = document.getElementById('replay');
  const replayImg = document.getElementById('replay-img');
  const percent = (x) => `${decimal(100 * x)} %`;
  const when = (stamp) => new Date(stamp).toLocaleString(W.locale);

  eventsToggle.addEventListener('click', () => {
    eventsPanel.hidden = !eventsPanel.hidden;
    document.body.classList.toggle('with-events', !eventsPanel.hidden);
  });

  function openReplay(ev) {
    document.getElementById('replay-title').textContent =
      `${ev.camera} — ${when(ev.start)}`;
    document.getElementById('replay-download').href = ev.file_url;
    replayImg.src = ev.replay_url;
    replay.showModal();
  }
  // Leaving the dialog ends the stream (an <img> keeps loading otherwise).
  replay.addEventListener('close', () => replayImg.removeAttribute('src'));
  document.getElementById('replay-close').addEventListener('click', () => replay.close());

  // One line of the list: a thumbnail, the camera, a time, details; a
  // click replays `playable` (an event or a closed segment), if given.
  function eventItem(cls, thumbnailUrl, camera, time, details, playable) {
    const item = element('li', cls);
    const thumb = element('img', null, item);
    thumb.alt = '';
    thumb.loading = 'lazy';
    if (thumbnailUrl) thumb.src = thumbnailUrl;
    const text = element('div', null, item);
    element('b', null, text).textContent = camera;
    element('div', 'when', text).textContent = time;
    for (const d of details) element('div', 'detail', text).textContent = d;
    if (playable && playable.replay_url) {
      item.classList.add('playable');
      item.addEventListener('click', () => openReplay(playable));
    }
    return item;
  }

  // An event going on: "en cours" since its start. Its closed segments
  // are journal lines, listed below like any event; a click on it replays
  // the newest of them.
  function runningItem(ev) {
    const newest = ev.segments.find((s) => s.replay_url);
    const item = eventItem('event running', newest && newest.thumbnail_url, ev.camera,
      `${W.since} ${when(ev.start)}`, [W.writing(ev.segment)], newest);
    const badge = element('span', 'badge', null);
    badge.textContent = `● ${W.running}`;
    item.querySelector('b').after(' ', badge);
    return item;
  }

  function closedItem(ev) {
    const lasted = ev.duration_s == null ? '' : `${duration(ev.duration_s)} · `;
    // A segment of a long event says which one it is.
    const part = ev.segment && (ev.continues || ev.segment > 1) ? ` · ${W.segment} ${ev.segment}` : '';
    const details = [`${lasted}${W.peak} ${percent(ev.peak)}${part}`];
    if (!ev.replay_url) details.push(W.deleted);
    return eventItem('event', ev.thumbnail_url, ev.camera, when(ev.start), details, ev);
  }

  function showEvents(doc) {
    const running = doc.running || [];
    eventsToggle.hidden = !doc.recording;
    eventsToggle.textContent = W.events(doc.events.length, running.length);
    eventsEmpty.hidden = doc.events.length + running.length > 0;
    eventsList.replaceChildren(...running.map(runningItem), ...doc.events.map(closedItem));
  }

  async function loadEvents() {
    try {
      const response = await fetch('/api/events?limit=100', { cache: 'no-store' });
      if (response.ok) showEvents(await response.json());
    } catch (e) {
      // The link line already says when the server is unreachable.
    }
  }
  loadEvents();
  setInterval(loadEvents, 5000);

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws`);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      retry = 500;
      link.textContent = W.live;
      link.classList.add('live');
      if (solo !== null) sendSelection();
    };
    socket.onmessage = onMessage;
    socket.onclose = () => {
      link.textContent = W.lost;
      link.classList.remove('live');
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }
  connect();

  // The language switch: remembered in a cookie the server reads (the
  // page and its messages), then the page comes again in that language.
  document.getElementById('lang-switch').addEventListener('click', (e) => {
    const lang = e.currentTarget.dataset.lang;
    document.cookie = `vigie_lang=${lang}; path=/; max-age=31536000; samesite=lax`;
    location.reload();
  });

  // The header wraps on a narrow screen: what sits below it follows its
  // real height instead of a fixed one.
  const top = document.getElementById('top');
  const fit = () => document.documentElement.style.setProperty('--header', `${top.offsetHeight}px`);
  new ResizeObserver(fit).observe(top);
  fit();
})();
