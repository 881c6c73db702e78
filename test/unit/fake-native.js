'use strict';
// test/unit: a fake of the addon's session API (js/lib/native.d.ts) for codec-base tests — records
// every call, lets a test emit event batches by hand, and can run commands itself like the worker.

/**
 * Modes:
 *   new FakeNative()                       manual: nothing happens until the test calls emit()
 *   new FakeNative({ auto: 'each' })       each command is run on its own later turn
 *                                          (setImmediate), one event batch per command
 *   new FakeNative({ auto: 'batch' })      every command queued so far is run on one later turn,
 *                                          all events in one batch
 * The automatic worker runs commands in order, drops commands of an older generation on reset,
 * and answers: configure → nothing (or error if config.fail), push → dequeue + output (or error if
 * item.fail), flush → flush.
 */
class FakeNative {
  constructor({ auto = null } = {}) {
    this.auto = auto;
    /** @type {Array<{fn: string, session: FakeSession, args: any[]}>} */
    this.calls = [];
    /** @type {FakeSession[]} */
    this.sessions = [];
  }

  /** The only session (most tests make one codec). */
  get session() { return this.sessions[this.sessions.length - 1]; }

  /** Calls by name, as argument lists without the session. */
  callsOf(fn) { return this.calls.filter((c) => c.fn === fn).map((c) => c.args); }

  #record(fn, session, args) { this.calls.push({ fn, session, args }); }

  sessionCreate(kind, onEvents) {
    if (typeof kind !== 'string') throw new Error(`fake: kind must be a string, got ${typeof kind}`);
    if (typeof onEvents !== 'function') throw new Error('fake: onEvents must be a function');
    const s = new FakeSession(this, kind, onEvents);
    this.sessions.push(s);
    this.#record('sessionCreate', s, [kind]);
    return s;
  }

  sessionConfigure(s, gen, config) {
    this.#check(s, gen);
    this.#record('sessionConfigure', s, [gen, config]);
    s.enqueue({ type: 'configure', gen, config });
  }

  sessionPush(s, gen, item) {
    this.#check(s, gen);
    this.#record('sessionPush', s, [gen, item]);
    s.enqueue({ type: 'push', gen, item });
  }

  sessionFlush(s, gen, id) {
    this.#check(s, gen);
    if (!Number.isInteger(id)) throw new Error(`fake: flush id must be an integer, got ${id}`);
    this.#record('sessionFlush', s, [gen, id]);
    s.enqueue({ type: 'flush', gen, id });
  }

  sessionReset(s, gen) {
    this.#check(s, gen);
    if (gen <= s.gen) throw new Error(`fake: reset must start a newer generation (had ${s.gen}, got ${gen})`);
    this.#record('sessionReset', s, [gen]);
    s.gen = gen;
    s.queue = s.queue.filter((c) => c.gen >= gen);
  }

  sessionClose(s) {
    if (!(s instanceof FakeSession)) throw new Error('fake: not a session');
    this.#record('sessionClose', s, []);
    s.closed = true;
    s.queue = [];
  }

  #check(s, gen) {
    if (!(s instanceof FakeSession)) throw new Error('fake: not a session');
    if (s.closed) throw new Error('fake: command on a closed session');
    if (!Number.isInteger(gen)) throw new Error(`fake: gen must be an integer, got ${gen}`);
  }

  /** Live (unclosed) sessions. */
  get liveSessions() { return this.sessions.filter((s) => !s.closed).length; }
}

class FakeSession {
  constructor(owner, kind, onEvents) {
    this.owner = owner;
    this.kind = kind;
    this.onEvents = onEvents;
    this.closed = false;
    this.gen = 0;
    /** Commands not yet run by the automatic worker. */
    this.queue = [];
    this.scheduled = false;
    /** Every batch delivered to js/, for assertions. */
    this.delivered = [];
  }

  /** Deliver a batch now, as the Channel would. A closed session delivers nothing (unless forced). */
  emit(events, { force = false } = {}) {
    if (this.closed && !force) return;
    this.delivered.push(events);
    this.onEvents(events);
  }

  enqueue(cmd) {
    if (!this.owner.auto) return;
    this.queue.push(cmd);
    this.#schedule();
  }

  #schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      const cmds = this.owner.auto === 'batch' ? this.queue.splice(0) : this.queue.splice(0, 1);
      const events = [];
      for (const c of cmds) this.#run(c, events);
      if (events.length) this.emit(events);
      if (this.queue.length) this.#schedule();
    });
  }

  #run(c, events) {
    if (c.gen < this.gen) return; // dropped by a reset
    switch (c.type) {
      case 'configure':
        if (c.config && c.config.fail) {
          events.push({ type: 'error', gen: c.gen, name: 'NotSupportedError', message: `fake: unsupported config ${c.config.fail}` });
        }
        break;
      case 'push':
        events.push({ type: 'dequeue', gen: c.gen, count: 1 });
        if (c.item && c.item.fail) {
          events.push({ type: 'error', gen: c.gen, name: 'EncodingError', message: `fake: cannot process ${c.item.fail}` });
        } else {
          events.push({ type: 'output', gen: c.gen, output: { of: c.item } });
        }
        break;
      case 'flush':
        events.push({ type: 'flush', gen: c.gen, id: c.id });
        break;
      default:
        throw new Error(`fake: unknown command ${c.type}`);
    }
  }
}

/** Resolve after the current turn and its setImmediate callbacks. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Resolve after n turns. */
async function turns(n) {
  for (let i = 0; i < n; i++) await nextTurn();
}

module.exports = { FakeNative, FakeSession, nextTurn, turns };
