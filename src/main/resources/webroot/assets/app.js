// llmgate chat page: a client of the protocol like any other (docs/protocol.md). It speaks Socket.IO by
// default; `?transport=websocket` uses the plain WebSocket at /ws instead, with the same events.
// No framework, no build step. Everything the server sends is shown with textContent, never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'llmgate.token';
  const MODEL_KEY = 'llmgate.model';
  const $ = (id) => document.getElementById(id);
  const ui = {
    model: $('model'), status: $('status'), conversation: $('conversation'), empty: $('empty'),
    tokenPanel: $('token-panel'), tokenForm: $('token-form'), tokenInput: $('token-input'),
    tokenError: $('token-error'), toggleToken: $('toggle-token'), forgetToken: $('forget-token'),
    newChat: $('new-chat'), composer: $('composer'), prompt: $('prompt'), send: $('send'), stop: $('stop'),
  };

  const transportName = new URLSearchParams(location.search).get('transport') === 'websocket'
    ? 'websocket' : 'socketio';
  const history = [];      // finished turns, sent with each new prompt
  const streams = new Map(); // sessionId -> view of a running answer
  let connection = null;
  let current = null;       // the answer the Stop button stops

  // ---- connections: one shape for both transports: emit(event, data), on(event, handler), close() ----

  // After a dropped connection both transports come back by themselves and call resumeAll, which asks for
  // the rest of every answer still showing (the server keeps a dropped client's streams running for a
  // grace period, docs/protocol.md).
  function connectSocketIo(token, status, fallBack, resumeAll) {
    const socket = io(location.origin, { auth: { token } });
    let everConnected = false;
    socket.on('connect', () => {
      if (!everConnected) {
        everConnected = true;
        status('connected', 'connected · Socket.IO');
        return;
      }
      status('connected', 'reconnected · Socket.IO');
      // A recovered socket (connection state recovery) gets every missed event and its streams by itself;
      // a new one must ask, or the answers on screen would stop where the connection dropped.
      if (!socket.recovered) resumeAll();
    });
    socket.on('connect_error', (error) => {
      // A server without the Socket.IO layer answers its handshake with 404: same events over /ws then.
      if (!everConnected && error.message === 'xhr poll error') {
        socket.close();
        fallBack();
        return;
      }
      status('error', error.message);
    });
    socket.on('disconnect', (reason) => status('connecting', `reconnecting (${reason})`));
    return {
      emit: (event, data) => socket.emit(event, data),
      on: (event, handler) => socket.on(event, handler),
      close: () => socket.close(),
    };
  }

  function connectWebSocket(token, status, resumeAll) {
    const handlers = new Map();
    const pending = [];
    let ws;
    let closed = false;
    let everConnected = false;
    const dispatch = (event, data) => (handlers.get(event) || []).forEach((handler) => handler(data));
    const open = () => {
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
      // Browsers cannot set headers on a WebSocket: the token goes in the first frame, never in the URL.
      ws.onopen = () => ws.send(JSON.stringify({ event: 'auth', data: { token } }));
      ws.onmessage = (message) => {
        const frame = JSON.parse(message.data);
        if (frame.event === 'auth:acknowledged') {
          status('connected', everConnected ? 'reconnected · WebSocket' : 'connected · WebSocket');
          if (everConnected) resumeAll();
          everConnected = true;
          pending.splice(0).forEach((text) => ws.send(text));
        } else if (frame.event === 'llm:stream:error' && frame.data.code === 'unauthorized') {
          closed = true;
          status('error', frame.data.error);
        }
        dispatch(frame.event, frame.data);
      };
      ws.onclose = () => {
        if (!closed) {
          status('connecting', 'reconnecting');
          setTimeout(open, 1000);
        }
      };
    };
    open();
    return {
      emit: (event, data) => {
        const text = JSON.stringify({ event, data });
        if (ws.readyState === WebSocket.OPEN && ui.status.dataset.state === 'connected') ws.send(text);
        else pending.push(text);
      },
      on: (event, handler) => handlers.set(event, [...(handlers.get(event) || []), handler]),
      close: () => { closed = true; ws.close(); },
    };
  }

  function connect(token, transport = transportName) {
    if (connection) connection.close();
    setStatus('connecting', 'connecting');
    // Only accepted streams: a request still queued in the connection goes out after the resumes.
    const resumeAll = () => streams.forEach((answer) => answer.accepted && connection.emit('llm:stream:resume',
      { sessionId: answer.sessionId, lastIndex: answer.lastIndex }));
    connection = transport === 'websocket'
      ? connectWebSocket(token, setStatus, resumeAll)
      : connectSocketIo(token, setStatus, () => connect(token, 'websocket'), resumeAll);
    connection.on('llm:chat:stream:acknowledged', (ack) => view(ack.sessionId, (v) => v.acknowledged(ack)));
    connection.on('llm:stream:start', (e) => view(e.sessionId, (v) => v.started(e)));
    connection.on('llm:stream:token', (e) => view(e.sessionId, (v) => v.token(e)));
    connection.on('llm:stream:reasoning', (e) => view(e.sessionId, (v) => v.reasoning(e)));
    connection.on('llm:stream:tool_call', (e) => view(e.sessionId, (v) => v.toolCall(e)));
    connection.on('llm:stream:done', (e) => view(e.sessionId, (v) => v.done(e)));
    connection.on('llm:stream:cancelled', (e) => view(e.sessionId, (v) => v.cancelled(e)));
    connection.on('llm:stream:error', (e) => {
      if (e.sessionId && streams.has(e.sessionId)) view(e.sessionId, (v) => v.failed(e));
      else if (current && !current.finished) current.failed(e);
    });
  }

  function view(sessionId, apply) {
    const answer = streams.get(sessionId);
    if (answer && !answer.finished) apply(answer);
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  // ---- token and models ----

  async function useToken(token) {
    ui.tokenError.hidden = true;
    const models = await fetch('/v1/models', { headers: { Authorization: `Bearer ${token}` } });
    const body = await models.json().catch(() => ({}));
    if (!models.ok) {
      showTokenPanel(true);
      ui.tokenError.textContent = body.error?.message || `GET /v1/models: HTTP ${models.status}`;
      ui.tokenError.hidden = false;
      setStatus('error', 'token refused');
      return;
    }
    localStorage.setItem(TOKEN_KEY, token);
    fillModels(body.data || []);
    showTokenPanel(false);
    connect(token);
  }

  function fillModels(models) {
    ui.model.replaceChildren();
    const groups = new Map();
    for (const model of models) {
      const provider = model.provider || model.id.split('/')[0];
      if (!groups.has(provider)) {
        const group = document.createElement('optgroup');
        group.label = provider;
        groups.set(provider, group);
        ui.model.append(group);
      }
      const option = document.createElement('option');
      option.value = model.id;
      option.textContent = model.id.includes('/') ? model.id : `${model.id} (default model)`;
      groups.get(provider).append(option);
    }
    if (!models.length) {
      ui.model.append(new Option('no provider configured', ''));
    }
    const remembered = localStorage.getItem(MODEL_KEY);
    if (remembered && models.some((m) => m.id === remembered)) ui.model.value = remembered;
    ui.model.disabled = !models.length;
  }

  function showTokenPanel(show) {
    ui.tokenPanel.hidden = !show;
    ui.toggleToken.setAttribute('aria-expanded', String(show));
    if (show) ui.tokenInput.focus();
  }

  // ---- one answer as it streams ----

  class Answer {
    constructor(sessionId, modelId) {
      this.sessionId = sessionId;
      this.element = document.getElementById('assistant-message').content.firstElementChild.cloneNode(true);
      this.content = this.element.querySelector('.content');
      this.cursor = this.element.querySelector('.cursor');
      this.reasoningBox = this.element.querySelector('.reasoning');
      this.reasoningText = this.element.querySelector('.reasoning-text');
      this.toolList = this.element.querySelector('.tool-calls');
      this.toolCalls = []; // per callIndex: { name, arguments, item }
      this.element.querySelector('.model').textContent = modelId;
      this.sentAt = performance.now();
      this.firstTokenAt = 0;
      this.lastTokenAt = 0;
      this.tokens = 0;
      this.accepted = false;
      this.lastIndex = -1; // of the last token or reasoning event shown: a resume continues after it
      this.text = '';
      this.finished = false;
      this.setState('waiting');
    }

    setState(state) {
      this.element.dataset.state = state;
      this.element.querySelector('.state').textContent = {
        waiting: 'waiting', streaming: 'streaming', done: 'done', cancelled: 'stopped', error: 'error',
      }[state];
    }

    acknowledged() {
      this.accepted = true;
    }

    started(event) {
      this.setState('streaming');
      if (event.model) this.element.querySelector('.model').textContent = `${event.provider}/${event.model}`;
    }

    token(event) {
      this.lastIndex = event.index;
      const now = performance.now();
      if (!this.firstTokenAt) this.firstTokenAt = now;
      this.lastTokenAt = now;
      this.tokens++;
      this.text += event.token;
      this.cursor.before(document.createTextNode(event.token));
      this.setState('streaming');
      this.showStats();
      scrollToEnd();
    }

    reasoning(event) {
      this.lastIndex = event.index;
      this.reasoningBox.hidden = false;
      this.reasoningText.append(document.createTextNode(event.token));
      this.element.querySelector('.reasoning-size').textContent =
        `· ${this.reasoningText.textContent.length} characters`;
      this.setState('streaming');
      scrollToEnd();
    }

    /** One line per call, "⚙ called name({…})", its arguments growing as their fragments arrive. */
    toolCall(event) {
      let call = this.toolCalls[event.callIndex];
      if (!call) {
        const item = document.createElement('li');
        item.dataset.testid = 'tool-call';
        call = this.toolCalls[event.callIndex] = { name: event.name, arguments: '', item };
        this.toolList.append(item);
        this.toolList.hidden = false;
      }
      call.arguments += event.argumentsDelta;
      const shown = call.arguments.length > 80 ? `${call.arguments.slice(0, 79)}…` : call.arguments;
      call.item.textContent = `⚙ called ${call.name}(${shown})`;
      this.setState('streaming');
      scrollToEnd();
    }

    done(event) {
      this.finish('done');
      this.showStats(event);
      history.push({ role: 'assistant', content: event.fullResponse });
    }

    cancelled() {
      this.finish('cancelled');
      this.showStats(); // the counts so far are the page's own: the provider reports usage only at the end
      // What arrived before Stop is the answer the model gave, as far as the next prompt is concerned.
      if (this.text) history.push({ role: 'assistant', content: this.text });
      else history.pop();
    }

    failed(event) {
      this.finish('error');
      const box = this.element.querySelector('.error');
      box.replaceChildren(document.createTextNode(event.error || 'failed'));
      if (event.code) {
        const code = document.createElement('code');
        code.textContent = event.code;
        box.append(' ', code);
      }
      if (event.retryable) box.append(' · you may retry');
      box.hidden = false;
      history.pop(); // the prompt got no answer: do not send it as context next time
    }

    finish(state) {
      this.finished = true;
      this.setState(state);
      this.cursor.remove();
      streams.delete(this.sessionId);
      if (current === this) setStreaming(null);
    }

    showStats(final) {
      const parts = [];
      if (this.firstTokenAt) parts.push(`TTFT ${Math.round(this.firstTokenAt - this.sentAt)} ms`);
      const seconds = (this.lastTokenAt - this.firstTokenAt) / 1000;
      if (this.tokens > 1 && seconds > 0) parts.push(`${((this.tokens - 1) / seconds).toFixed(1)} tok/s`);
      parts.push(`${this.tokens} tokens`);
      const usage = final && final.usage;
      if (usage) parts.push(`usage ${usage.inputTokens} in / ${usage.outputTokens} out`);
      if (final && final.finishReason) parts.push(final.finishReason);
      if (final && final.durationMs !== undefined) parts.push(`${(final.durationMs / 1000).toFixed(2)} s`);
      this.element.querySelector('.stats').textContent = parts.join(' · ');
    }
  }

  function scrollToEnd() {
    ui.conversation.scrollTop = ui.conversation.scrollHeight;
  }

  function setStreaming(answer) {
    current = answer;
    ui.stop.hidden = !answer;
    ui.send.hidden = Boolean(answer);
  }

  function newSessionId() {
    return crypto.randomUUID ? crypto.randomUUID()
      : `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  function send(text) {
    const modelId = ui.model.value;
    if (!connection || !modelId) {
      showTokenPanel(true);
      return;
    }
    ui.empty.hidden = true;
    const user = document.getElementById('user-message').content.firstElementChild.cloneNode(true);
    user.querySelector('.content').textContent = text;
    ui.conversation.append(user);

    const sessionId = newSessionId();
    const answer = new Answer(sessionId, modelId);
    ui.conversation.append(answer.element);
    streams.set(sessionId, answer);
    setStreaming(answer);
    scrollToEnd();

    history.push({ role: 'user', content: text });
    const slash = modelId.indexOf('/');
    const request = {
      sessionId,
      provider: slash < 0 ? modelId : modelId.slice(0, slash),
      messages: history.slice(),
    };
    if (slash >= 0) request.model = modelId.slice(slash + 1);
    connection.emit('llm:chat:stream', request);
  }

  // ---- wiring ----

  ui.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.prompt.value.trim();
    if (!text || current) return;
    ui.prompt.value = '';
    send(text);
  });
  ui.prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.stop.addEventListener('click', () => {
    if (current) connection.emit('llm:stream:cancel', { sessionId: current.sessionId });
  });
  ui.model.addEventListener('change', () => localStorage.setItem(MODEL_KEY, ui.model.value));
  ui.toggleToken.addEventListener('click', () => showTokenPanel(ui.tokenPanel.hidden));
  ui.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = ui.tokenInput.value.trim();
    if (token) useToken(token);
  });
  ui.forgetToken.addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    ui.tokenInput.value = '';
    if (connection) connection.close();
    connection = null;
    setStatus('idle', 'not connected');
    fillModels([]);
    ui.model.disabled = true;
  });
  ui.newChat.addEventListener('click', () => {
    history.length = 0;
    ui.conversation.querySelectorAll('.message').forEach((m) => m.remove());
    ui.empty.hidden = false;
  });

  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) {
    ui.tokenInput.value = saved;
    useToken(saved);
  } else {
    showTokenPanel(true);
  }
})();
