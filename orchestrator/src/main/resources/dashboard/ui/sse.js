// The live event stream, read with fetch() so the token travels in a header, never in a URL.
// A lost connection is shown and resumed from the last event seen (Last-Event-ID).
import { token } from './auth.js';

export class Live {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.listeners = new Set();
    this.lastId = null;
    this.controller = null;
    this.stopped = true;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start() {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.run();
  }

  stop() {
    this.stopped = true;
    if (this.controller) {
      this.controller.abort();
    }
    this.onStatus('off');
  }

  async run() {
    let failures = 0;
    while (!this.stopped) {
      this.onStatus(failures === 0 ? 'connecting' : 'reconnecting');
      let wait = Math.min(1000 * 2 ** failures, 15000);
      let opened = 0;
      try {
        this.controller = new AbortController();
        const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${token()}` };
        if (this.lastId !== null) {
          headers['Last-Event-ID'] = this.lastId;
        }
        const response = await fetch('/api/v1/events/stream', {
          headers, signal: this.controller.signal, cache: 'no-store',
        });
        if (response.status === 401) {
          this.stopped = true;
          window.dispatchEvent(new CustomEvent('baton:unauthorized'));
          break;
        }
        if (!response.ok) {
          const retry = Number(response.headers.get('Retry-After'));
          if (retry > 0) {
            wait = retry * 1000;
          }
          throw new Error(`stream answered ${response.status}`);
        }
        this.onStatus('live');
        opened = Date.now();
        await this.read(response.body.getReader());
      } catch (e) {
        opened = 0;
      }
      if (this.stopped) {
        break;
      }
      // A stream the server ended after a while (its connection lifetime) is simply reopened;
      // one that failed or ended at once is retried after a growing pause, and shown as lost.
      if (opened > 0 && Date.now() - opened > 1000) {
        failures = 0;
      } else {
        failures += 1;
        this.onStatus('reconnecting');
        await new Promise((resume) => { setTimeout(resume, wait); });
      }
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { id: null, type: 'message', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop();
      for (const line of lines) {
        if (line === '') {
          if (event.data.length > 0) {
            this.dispatch(event);
          }
          event = { id: null, type: 'message', data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let v = colon < 0 ? '' : line.slice(colon + 1);
          if (v.startsWith(' ')) {
            v = v.slice(1);
          }
          if (field === 'id') {
            event.id = v;
          } else if (field === 'event') {
            event.type = v;
          } else if (field === 'data') {
            event.data.push(v);
          }
        }
      }
    }
  }

  dispatch(event) {
    if (event.id !== null) {
      this.lastId = event.id;
    }
    let data;
    try {
      data = JSON.parse(event.data.join('\n'));
    } catch (e) {
      return;
    }
    this.listeners.forEach((listener) => listener(data));
  }
}
