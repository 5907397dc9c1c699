// pushgate demo page: one WebSocket to /ws speaking the pubsub client protocol
// (docs/protocol.md). Plain browser JavaScript, no build step.

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
const MAX_SHOWN = 500;

const $ = (id) => document.getElementById(id);
const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

/** channel → { offset, epoch } of the last publication seen (null before the first). */
const channels = new Map();
const pending = new Map();
let socket = null;
let nextId = 1;
let attempts = 0;
let reconnectTimer = null;

function time() {
  return new Date().toLocaleTimeString();
}

function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

function prepend(list, item) {
  list.prepend(item);
  while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
}

function log(text, isError = false) {
  const li = document.createElement('li');
  li.append(span('time', time()), span(isError ? 'error' : 'text', text));
  prepend($('log'), li);
}

function setState(state, detail = state) {
  const el = $('state');
  el.dataset.state = state;
  el.className = `state state-${state}`;
  el.textContent = detail;
}

function setStatus(text, isError = false) {
  const el = $('publish-status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

/** Sends a request; resolves with the reply (which may carry an `error`). */
function request(body) {
  return new Promise((resolve, reject) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      reject(new Error('not connected'));
      return;
    }
    const id = nextId++;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, ...body }));
  });
}

function renderSubscriptions() {
  const list = $('subscriptions');
  list.replaceChildren();
  for (const [channel, position] of channels) {
    const li = document.createElement('li');
    li.dataset.channel = channel;
    li.dataset.testid = 'subscription';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'small';
    button.textContent = 'unsubscribe';
    button.dataset.testid = 'unsubscribe-button';
    button.addEventListener('click', () => unsubscribe(channel));
    const where = position ? `offset ${position.offset} · epoch ${position.epoch}` : 'no message yet';
    li.append(span('channel', channel), span('position', where), button);
    list.append(li);
  }
}

function showPublication(message) {
  const li = document.createElement('li');
  li.dataset.testid = 'message';
  li.dataset.channel = message.channel;
  li.dataset.offset = String(message.offset);
  const data = message.encoding === 'base64' ? `(binary, base64) ${message.data}` : JSON.stringify(message.data);
  li.append(span('time', time()), span('channel', message.channel), span('offset', `#${message.offset}`), span('data', data));
  prepend($('messages'), li);
}

function onPublication(message) {
  const known = channels.get(message.channel);
  if (known === undefined) return; // arrived just after an unsubscribe
  channels.set(message.channel, { offset: message.offset, epoch: message.epoch });
  showPublication(message);
  renderSubscriptions();
}

async function subscribe(channel) {
  const position = channels.get(channel) ?? null;
  channels.set(channel, position);
  renderSubscriptions();
  if (!socket || socket.readyState !== WebSocket.OPEN) return; // done on (re)connect
  const reply = await request(position ? { op: 'subscribe', channel, since: position } : { op: 'subscribe', channel });
  if (reply.error) {
    log(`subscribe ${channel}: ${reply.error.code}: ${reply.error.message}`, true);
    if (reply.error.code !== 'already_subscribed') {
      channels.delete(channel);
      renderSubscriptions();
    }
    return;
  }
  if (reply.recovered === true) log(`resumed ${channel} after offset ${position.offset}: missed messages replayed`);
  else if (reply.recovered === false) log(`resumed ${channel}: history no longer covers the gap; now at offset ${reply.offset}`, true);
  else log(`subscribed to ${channel} (current offset ${reply.offset})`);
  if (!channels.get(channel) || reply.recovered === false) channels.set(channel, { offset: reply.offset, epoch: reply.epoch });
  renderSubscriptions();
}

async function unsubscribe(channel) {
  channels.delete(channel);
  renderSubscriptions();
  try {
    const reply = await request({ op: 'unsubscribe', channel });
    log(reply.error ? `unsubscribe ${channel}: ${reply.error.message}` : `unsubscribed from ${channel}`, Boolean(reply.error));
  } catch {
    // Not connected: nothing to undo on the server.
  }
}

async function publish(channel, text, format) {
  let data = text;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      setStatus(`not valid JSON: ${error.message} (choose "text" to send it as a string)`, true);
      return;
    }
  }
  try {
    const reply = await request({ op: 'publish', channel, data });
    if (reply.error) setStatus(`${reply.error.code}: ${reply.error.message}`, true);
    else setStatus(`published to ${channel} at offset ${reply.offset}`);
  } catch (error) {
    setStatus(`${error.message}; try again when connected`, true);
  }
}

function onMessage(event) {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    log('the gateway sent something that is not JSON', true);
    return;
  }
  if (message.id !== undefined && pending.has(message.id)) {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve(message);
  } else if (message.channel !== undefined && message.offset !== undefined) {
    onPublication(message);
  } else if (message.error) {
    log(`${message.error.code}: ${message.error.message}`, true);
  }
}

function connect() {
  reconnectTimer = null;
  setState('connecting');
  socket = new WebSocket(wsUrl);
  socket.addEventListener('open', () => {
    attempts = 0;
    setState('open');
    log(`connected to ${wsUrl}`);
    for (const channel of channels.keys()) subscribe(channel);
  });
  socket.addEventListener('message', onMessage);
  socket.addEventListener('close', (event) => {
    for (const resolve of pending.values()) resolve({ error: { code: 'disconnected', message: 'connection closed before the reply' } });
    pending.clear();
    const why = event.code === 1006 ? 'connection lost' : `closed ${event.code}${event.reason ? ` (${event.reason})` : ''}`;
    // Exponential backoff with jitter, so many pages do not reconnect in lockstep after a restart.
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempts) * (0.5 + Math.random() / 2);
    attempts++;
    log(`${why}; reconnecting in ${(delay / 1000).toFixed(1)} s`, true);
    setState('reconnecting', `reconnecting in ${(delay / 1000).toFixed(1)} s`);
    reconnectTimer = setTimeout(connect, delay);
  });
}

$('endpoint').textContent = wsUrl;
for (const el of document.querySelectorAll('.origin')) el.textContent = location.origin;

$('subscribe-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('subscribe-channel');
  const channel = input.value.trim();
  if (!channel) return;
  if (channels.has(channel)) {
    log(`already subscribed to ${channel}`);
  } else {
    subscribe(channel).catch((error) => log(error.message, true));
  }
  input.value = '';
});

$('publish-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const channel = $('publish-channel').value.trim();
  if (!channel) return;
  publish(channel, $('publish-data').value, form.elements.format.value);
});

$('clear-messages').addEventListener('click', () => $('messages').replaceChildren());
window.addEventListener('online', () => {
  if (reconnectTimer !== null) {
    clearTimeout(reconnectTimer);
    connect();
  }
});

connect();
