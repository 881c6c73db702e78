'use strict';
// test/unit: the codec state machine of js/lib/codec-base.js against a fake native session —
// every state transition, exact exception names.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { CodecBase, configureCodec, enqueueWork, queueSize } = require('../../js/lib/codec-base.js');
const { FakeNative, nextTurn, turns } = require('./fake-native.js');

// ---------------------------------------------------------------- test subclasses

class FakeEncoder extends CodecBase {
  constructor(init, native) {
    super(init, {
      native, kind: 'video-encoder', name: 'FakeEncoder',
      wrapOutput: (_codec, payload) => [payload, { meta: 1 }],
      onReset: (codec, exception) => codec.resets.push(exception),
    });
    this.resets = [];
  }
  get encodeQueueSize() { return queueSize(this); }
  configure(config) {
    if (config === null || typeof config !== 'object') throw new TypeError('FakeEncoder.configure: bad config');
    configureCodec(this, { ...config });
  }
  encode(x) { enqueueWork(this, x); }
}

class FakeDecoder extends CodecBase {
  constructor(init, native) {
    super(init, { native, kind: 'video-decoder', name: 'FakeDecoder', requiresKeyChunk: true });
  }
  get decodeQueueSize() { return queueSize(this); }
  configure(config) { configureCodec(this, { ...config }); }
  decode(chunk) { enqueueWork(this, chunk, { isKey: chunk.type === 'key' }); }
}

/** A codec with recording callbacks. */
function make(Cls = FakeEncoder, nativeOpts = {}) {
  const native = new FakeNative(nativeOpts);
  const outputs = [];
  const errors = [];
  const codec = new Cls({
    output: (...args) => outputs.push(args),
    error: (e) => errors.push(e),
  }, native);
  return { native, codec, outputs, errors, s: native.session };
}

/** Settle a promise into {status, value|reason} without an unhandled rejection. */
function settle(p) {
  const r = { status: 'pending' };
  p.then((v) => { r.status = 'fulfilled'; r.value = v; }, (e) => { r.status = 'rejected'; r.reason = e; });
  return r;
}

/**
 * Capture the next uncaughtException. node:test's own handler is set aside while waiting (it would
 * fail the test) and restored afterwards.
 */
function captureUncaught(timeoutMs = 1000) {
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  return new Promise((resolve, reject) => {
    let timer = null;
    const restore = () => {
      process.removeListener('uncaughtException', onErr);
      for (const l of saved) process.on('uncaughtException', l);
    };
    function onErr(err) {
      clearTimeout(timer);
      restore();
      resolve(err);
    }
    timer = setTimeout(() => { restore(); reject(new Error('no uncaughtException was reported')); }, timeoutMs);
    process.on('uncaughtException', onErr);
  });
}

const dequeueEventsOf = (codec) => {
  const seen = { count: 0 };
  codec.addEventListener('dequeue', () => { seen.count++; });
  return seen;
};

// ---------------------------------------------------------------- constructor

describe('constructor', () => {
  const native = new FakeNative();
  const fn = () => {};

  test('requires init.output and init.error functions (TypeError naming the interface)', () => {
    assert.throws(() => new FakeEncoder(undefined, native), { name: 'TypeError', message: 'FakeEncoder: init.error must be a function, got undefined' });
    assert.throws(() => new FakeEncoder({}, native), { name: 'TypeError', message: /^FakeEncoder: init\.error must be a function/ });
    assert.throws(() => new FakeEncoder({ error: fn }, native), { name: 'TypeError', message: 'FakeEncoder: init.output must be a function, got undefined' });
    assert.throws(() => new FakeEncoder({ output: fn, error: 'x' }, native), { name: 'TypeError', message: 'FakeEncoder: init.error must be a function, got "x"' });
    assert.throws(() => new FakeEncoder({ output: 3, error: fn }, native), { name: 'TypeError', message: 'FakeEncoder: init.output must be a function, got 3' });
    assert.throws(() => new FakeEncoder(5, native), { name: 'TypeError', message: /^FakeEncoder: init must be an object/ });
    assert.throws(() => new FakeDecoder({ output: fn }, native), { name: 'TypeError', message: /^FakeDecoder: init\.error/ });
    assert.equal(native.sessions.length, 0, 'no session is created for an invalid init');
  });

  test('reads init.error then init.output, once each (WebIDL dictionary order)', () => {
    const order = [];
    const init = {
      get output() { order.push('output'); return fn; },
      get error() { order.push('error'); return fn; },
    };
    new FakeEncoder(init, new FakeNative());
    assert.deepEqual(order, ['error', 'output']);
  });

  test('creates a session of its kind; starts unconfigured with an empty queue', () => {
    const { native, codec, s } = make();
    assert.deepEqual(native.callsOf('sessionCreate'), [['video-encoder']]);
    assert.equal(s.kind, 'video-encoder');
    assert.equal(codec.state, 'unconfigured');
    assert.equal(codec.encodeQueueSize, 0);
    assert.equal(codec.ondequeue, null);
    assert.ok(codec instanceof EventTarget);
    // No subclass step is reachable from user code (it would skip validation).
    for (const k of ['_configure', '_enqueueWork', '_wrapOutput', '_onReset', '_native', '_session', '_queueSize']) {
      assert.equal(codec[k], undefined, k);
    }
    assert.equal(native.sessions.length, 1);
    assert.equal(make(FakeDecoder).s.kind, 'video-decoder');
  });
});

// ---------------------------------------------------------------- configure

describe('configure', () => {
  test('unconfigured → configured; forwards the config with the current generation', () => {
    const { native, codec } = make();
    codec.configure({ codec: 'x', width: 2 });
    assert.equal(codec.state, 'configured');
    assert.deepEqual(native.callsOf('sessionConfigure'), [[0, { codec: 'x', width: 2 }]]);
    codec.configure({ codec: 'y' });
    assert.equal(codec.state, 'configured', 'configured → configured');
    assert.deepEqual(native.callsOf('sessionConfigure')[1], [0, { codec: 'y' }]);
  });

  test('on a closed codec throws InvalidStateError and forwards nothing', () => {
    const { native, codec } = make();
    codec.close();
    assert.throws(() => codec.configure({}), { name: 'InvalidStateError', message: 'FakeEncoder.configure: the codec is closed by close()' });
    assert.equal(native.callsOf('sessionConfigure').length, 0);
    assert.equal(codec.state, 'closed');
  });

  test('the subclass TypeError comes before the state check', () => {
    const { codec } = make();
    codec.close();
    assert.throws(() => codec.configure(null), { name: 'TypeError' });
  });
});

// ---------------------------------------------------------------- encode / decode

describe('encode/decode (enqueueWork)', () => {
  test('unconfigured → InvalidStateError, nothing queued', () => {
    const { native, codec } = make();
    assert.throws(() => codec.encode({ n: 1 }), { name: 'InvalidStateError', message: 'FakeEncoder.encode: expected a configured codec, but the codec is unconfigured' });
    assert.equal(codec.encodeQueueSize, 0);
    assert.equal(native.callsOf('sessionPush').length, 0);
  });

  test('closed → InvalidStateError', () => {
    const { codec } = make();
    codec.configure({});
    codec.close();
    assert.throws(() => codec.encode({ n: 1 }), { name: 'InvalidStateError', message: 'FakeEncoder.encode: expected a configured codec, but the codec is closed by close()' });
    assert.equal(codec.encodeQueueSize, 0);
  });

  test('increments the queue size and forwards the item in order with the generation', () => {
    const { native, codec } = make();
    codec.configure({});
    codec.encode({ n: 1 });
    codec.encode({ n: 2 });
    codec.encode({ n: 3 });
    assert.equal(codec.encodeQueueSize, 3);
    assert.deepEqual(native.callsOf('sessionPush'), [[0, { n: 1 }], [0, { n: 2 }], [0, { n: 3 }]]);
  });

  test('encoders never require a key chunk', () => {
    const { codec } = make();
    codec.configure({});
    codec.encode({ type: 'delta' });
    assert.equal(codec.encodeQueueSize, 1);
  });

  test('decoder: a delta chunk while a key chunk is required → DataError, nothing queued', () => {
    const { native, codec } = make(FakeDecoder);
    codec.configure({});
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'DataError', message: /^FakeDecoder\.decode: expected a key chunk/ });
    assert.equal(codec.decodeQueueSize, 0);
    assert.equal(native.callsOf('sessionPush').length, 0);
    codec.decode({ type: 'key' });
    codec.decode({ type: 'delta' });
    codec.decode({ type: 'delta' });
    assert.equal(codec.decodeQueueSize, 3);
    assert.equal(native.callsOf('sessionPush').length, 3);
  });

  test('decoder: unconfigured wins over DataError (InvalidStateError)', () => {
    const { codec } = make(FakeDecoder);
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'InvalidStateError', message: /^FakeDecoder\.decode:/ });
  });

  test('decoder: key chunk required again after flush()', async () => {
    const { codec, s } = make(FakeDecoder);
    codec.configure({});
    codec.decode({ type: 'key' });
    codec.decode({ type: 'delta' });
    const p = codec.flush();
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'DataError' });
    s.emit([{ type: 'flush', gen: 0, id: 1 }]);
    await p;
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'DataError' });
    codec.decode({ type: 'key' });
    codec.decode({ type: 'delta' });
  });

  test('decoder: key chunk required again after configure() and after reset()', () => {
    const { codec } = make(FakeDecoder);
    codec.configure({});
    codec.decode({ type: 'key' });
    codec.decode({ type: 'delta' });
    codec.configure({});
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'DataError' });
    codec.decode({ type: 'key' });
    codec.reset();
    codec.configure({});
    assert.throws(() => codec.decode({ type: 'delta' }), { name: 'DataError' });
  });
});

// ---------------------------------------------------------------- dequeue

describe('queue size and dequeue events', () => {
  test('dequeue events of the current generation decrement the queue size', async () => {
    const { codec, s } = make();
    codec.configure({});
    for (let i = 0; i < 4; i++) codec.encode({ i });
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    assert.equal(codec.encodeQueueSize, 3);
    s.emit([{ type: 'dequeue', gen: 0, count: 2 }]);
    assert.equal(codec.encodeQueueSize, 1);
    s.emit([{ type: 'dequeue', gen: 0, count: 5 }]);
    assert.equal(codec.encodeQueueSize, 0, 'never below zero');
    await nextTurn();
  });

  test('several dequeues in one batch fire one event, after the batch', async () => {
    const { codec, s } = make();
    const seen = dequeueEventsOf(codec);
    codec.configure({});
    for (let i = 0; i < 3; i++) codec.encode({ i });
    s.emit([
      { type: 'dequeue', gen: 0, count: 1 },
      { type: 'dequeue', gen: 0, count: 1 },
      { type: 'dequeue', gen: 0, count: 1 },
    ]);
    assert.equal(seen.count, 0, 'not dispatched synchronously');
    await nextTurn();
    assert.equal(seen.count, 1);
    await turns(3);
    assert.equal(seen.count, 1);
  });

  test('dequeues in batches delivered before the event fires are coalesced; a later one fires again', async () => {
    const { codec, s } = make();
    const seen = dequeueEventsOf(codec);
    codec.configure({});
    for (let i = 0; i < 3; i++) codec.encode({ i });
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    await nextTurn();
    assert.equal(seen.count, 1);
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    await nextTurn();
    assert.equal(seen.count, 2);
  });

  test('the event is a plain Event named dequeue targeted at the codec; queue size already updated', async () => {
    const { codec, s } = make();
    codec.configure({});
    codec.encode({});
    codec.encode({});
    const ev = new Promise((resolve) => codec.addEventListener('dequeue', (e) => resolve([e, codec.encodeQueueSize])));
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    const [e, size] = await ev;
    assert.ok(e instanceof Event);
    assert.equal(e.type, 'dequeue');
    assert.equal(e.target, codec);
    assert.equal(size, 1);
  });

  test('ondequeue: setter/getter, replacing keeps one listener, null removes it', async () => {
    const { codec, s } = make();
    codec.configure({});
    const calls = [];
    const h1 = function (e) { calls.push(['h1', this, e.type]); };
    const h2 = (e) => calls.push(['h2', e.type]);
    codec.ondequeue = h1;
    assert.equal(codec.ondequeue, h1);
    codec.encode({});
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    await nextTurn();
    assert.deepEqual(calls, [['h1', codec, 'dequeue']]);

    codec.ondequeue = h2;
    assert.equal(codec.ondequeue, h2);
    codec.encode({});
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    await nextTurn();
    assert.deepEqual(calls.slice(1), [['h2', 'dequeue']], 'only the new handler runs, once');

    codec.ondequeue = null;
    assert.equal(codec.ondequeue, null);
    codec.encode({});
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    await nextTurn();
    assert.equal(calls.length, 2, 'no handler after null');

    codec.ondequeue = 'not a function';
    assert.equal(codec.ondequeue, null, 'non-callables are null');
  });

  test('reset() with a non-empty queue sets it to zero and fires one dequeue event', async () => {
    const { codec, s } = make();
    const seen = dequeueEventsOf(codec);
    codec.configure({});
    codec.encode({});
    codec.encode({});
    s.emit([{ type: 'dequeue', gen: 0, count: 1 }]);
    codec.reset();
    assert.equal(codec.encodeQueueSize, 0);
    await nextTurn();
    assert.equal(seen.count, 1, 'coalesced with the pending one');
  });

  test('reset() with an empty queue fires no dequeue event', async () => {
    const { codec } = make();
    const seen = dequeueEventsOf(codec);
    codec.configure({});
    codec.reset();
    await turns(2);
    assert.equal(seen.count, 0);
  });

  test('close() with a non-empty queue sets it to zero and fires the dequeue event (spec Reset step)', async () => {
    const { codec } = make();
    const seen = dequeueEventsOf(codec);
    codec.configure({});
    codec.encode({});
    codec.close();
    assert.equal(codec.encodeQueueSize, 0);
    await nextTurn();
    assert.equal(seen.count, 1);
  });
});

// ---------------------------------------------------------------- outputs

describe('outputs', () => {
  test('output events call the output callback with wrapOutput(codec, payload), in order', () => {
    const { codec, s, outputs } = make();
    codec.configure({});
    s.emit([{ type: 'output', gen: 0, output: 'a' }, { type: 'output', gen: 0, output: 'b' }]);
    assert.deepEqual(outputs, [['a', { meta: 1 }], ['b', { meta: 1 }]]);
  });

  test('the default wrapOutput passes the payload through', () => {
    const native = new FakeNative();
    const got = [];
    const c = new CodecBase({ output: (...a) => got.push(a), error() {} }, { native, kind: 'audio-decoder', name: 'Base' });
    native.session.emit([{ type: 'output', gen: 0, output: 7 }]);
    assert.deepEqual(got, [[7]]);
  });

  test('callbacks are called as plain functions (this is undefined)', () => {
    const native = new FakeNative();
    const thisValues = [];
    const codec = new FakeEncoder({
      output() { thisValues.push(this); },
      error() { thisValues.push(this); },
    }, native);
    codec.configure({});
    native.session.emit([{ type: 'output', gen: 0, output: 1 }, { type: 'error', gen: 0, name: 'EncodingError', message: 'x' }]);
    assert.deepEqual(thisValues, [undefined, undefined]);
  });

  test('an output callback that throws is reported as uncaughtException on a later tick; the codec keeps working', async () => {
    const native = new FakeNative();
    const boom = new Error('boom from output');
    const seen = [];
    const codec = new FakeEncoder({
      output: (x) => { seen.push(x); if (x === 'bad') throw boom; },
      error: () => assert.fail('error callback must not run'),
    }, native);
    codec.configure({});
    codec.encode({});
    const uncaught = captureUncaught();
    let batchReturned = false;
    native.session.emit([
      { type: 'output', gen: 0, output: 'bad' },
      { type: 'output', gen: 0, output: 'after' },
      { type: 'dequeue', gen: 0, count: 1 },
    ]);
    batchReturned = true;
    assert.deepEqual(seen, ['bad', 'after'], 'the rest of the batch still runs');
    assert.equal(codec.state, 'configured');
    assert.equal(codec.encodeQueueSize, 0);
    const err = await uncaught;
    assert.equal(err, boom);
    assert.ok(batchReturned, 'reported after the batch returned');
    codec.encode({});
    const p = codec.flush();
    native.session.emit([{ type: 'output', gen: 0, output: 'more' }, { type: 'flush', gen: 0, id: 1 }]);
    await p;
    assert.deepEqual(seen, ['bad', 'after', 'more']);
    assert.equal(codec.state, 'configured');
  });

  test('an output callback may reset() the codec: the rest of the batch is dropped', () => {
    const native = new FakeNative();
    const seen = [];
    const codec = new FakeEncoder({
      output: (x) => { seen.push(x); if (x === 1) codec.reset(); },
      error: () => {},
    }, native);
    codec.configure({});
    codec.encode({});
    codec.encode({});
    native.session.emit([
      { type: 'output', gen: 0, output: 1 },
      { type: 'output', gen: 0, output: 2 },
      { type: 'dequeue', gen: 0, count: 2 },
    ]);
    assert.deepEqual(seen, [1]);
    assert.equal(codec.state, 'unconfigured');
    assert.equal(codec.encodeQueueSize, 0);
  });

  test('an output callback may close() the codec: the rest of the batch is dropped', () => {
    const native = new FakeNative();
    const seen = [];
    const codec = new FakeEncoder({
      output: (x) => { seen.push(x); codec.close(); },
      error: () => assert.fail('no error callback for close()'),
    }, native);
    codec.configure({});
    native.session.emit([{ type: 'output', gen: 0, output: 1 }, { type: 'output', gen: 0, output: 2 }]);
    assert.deepEqual(seen, [1]);
    assert.equal(codec.state, 'closed');
  });

  test('malformed batches and unknown event types are ignored', () => {
    const { codec, s, outputs } = make();
    codec.configure({});
    s.emit(null);
    s.emit([null, { type: 'whatever', gen: 0 }, { type: 'output', gen: 0, output: 1 }]);
    assert.deepEqual(outputs, [[1, { meta: 1 }]]);
  });
});

// ---------------------------------------------------------------- flush

describe('flush', () => {
  test('unconfigured → rejected InvalidStateError; nothing forwarded', async () => {
    const { native, codec } = make();
    await assert.rejects(codec.flush(), { name: 'InvalidStateError', message: 'FakeEncoder.flush: expected a configured codec, but the codec is unconfigured' });
    assert.equal(native.callsOf('sessionFlush').length, 0);
  });

  test('closed → rejected InvalidStateError (not a throw)', async () => {
    const { codec } = make();
    codec.configure({});
    codec.close();
    let p;
    assert.doesNotThrow(() => { p = codec.flush(); });
    await assert.rejects(p, (e) => e instanceof DOMException && e.name === 'InvalidStateError');
  });

  test('resolves on its flush event, after the outputs before it', async () => {
    const { native, codec, s, outputs } = make();
    codec.configure({});
    codec.encode({});
    const p = codec.flush();
    assert.deepEqual(native.callsOf('sessionFlush'), [[0, 1]]);
    const r = settle(p);
    await nextTurn();
    assert.equal(r.status, 'pending');
    s.emit([{ type: 'output', gen: 0, output: 'x' }, { type: 'flush', gen: 0, id: 1 }]);
    assert.equal(await p, undefined);
    assert.equal(outputs.length, 1);
    assert.equal(codec.state, 'configured', 'flush keeps the codec configured');
  });

  test('several flushes resolve in the order their events come', async () => {
    const { native, codec, s } = make();
    codec.configure({});
    const order = [];
    const p1 = codec.flush().then(() => order.push(1));
    const p2 = codec.flush().then(() => order.push(2));
    const [[, id1], [, id2]] = native.callsOf('sessionFlush');
    assert.notEqual(id1, id2);
    s.emit([{ type: 'flush', gen: 0, id: id1 }]);
    s.emit([{ type: 'flush', gen: 0, id: id2 }]);
    await Promise.all([p1, p2]);
    assert.deepEqual(order, [1, 2]);
  });

  test('reset() rejects pending flushes with AbortError; the error callback is not called', async () => {
    const { codec, errors } = make();
    codec.configure({});
    const r1 = settle(codec.flush());
    const r2 = settle(codec.flush());
    codec.reset();
    await nextTurn();
    assert.equal(r1.status, 'rejected');
    assert.equal(r2.status, 'rejected');
    assert.ok(r1.reason instanceof DOMException);
    assert.equal(r1.reason.name, 'AbortError');
    assert.equal(r2.reason.name, 'AbortError');
    assert.equal(errors.length, 0);
  });

  test('close() rejects pending flushes with AbortError; the error callback is not called', async () => {
    const { codec, errors } = make();
    codec.configure({});
    const p = codec.flush();
    codec.close();
    await assert.rejects(p, { name: 'AbortError' });
    await nextTurn();
    assert.equal(errors.length, 0);
  });

  test('a stale flush event (older generation) does not resolve a newer flush', async () => {
    const { native, codec, s } = make();
    codec.configure({});
    const old = settle(codec.flush());
    codec.reset();
    codec.configure({});
    const fresh = settle(codec.flush());
    const [[g0, oldId], [g1, newId]] = native.callsOf('sessionFlush');
    assert.equal(g0, 0);
    assert.equal(g1, 1);
    s.emit([{ type: 'flush', gen: 0, id: oldId }, { type: 'flush', gen: 0, id: newId }]);
    await nextTurn();
    assert.equal(old.status, 'rejected');
    assert.equal(old.reason.name, 'AbortError');
    assert.equal(fresh.status, 'pending');
    s.emit([{ type: 'flush', gen: 1, id: newId }]);
    await nextTurn();
    assert.equal(fresh.status, 'fulfilled');
  });
});

// ---------------------------------------------------------------- reset

describe('reset', () => {
  test('configured → unconfigured; new generation forwarded; codec-specific state hook runs', () => {
    const { native, codec } = make();
    codec.configure({});
    codec.reset();
    assert.equal(codec.state, 'unconfigured');
    assert.deepEqual(native.callsOf('sessionReset'), [[1]]);
    assert.equal(codec.resets.length, 1);
    assert.equal(codec.resets[0].name, 'AbortError');
    codec.configure({});
    codec.encode({});
    assert.deepEqual(native.callsOf('sessionConfigure').at(-1)[0], 1);
    assert.deepEqual(native.callsOf('sessionPush').at(-1)[0], 1);
  });

  test('unconfigured → unconfigured is allowed', () => {
    const { native, codec } = make();
    codec.reset();
    codec.reset();
    assert.equal(codec.state, 'unconfigured');
    assert.deepEqual(native.callsOf('sessionReset'), [[1], [2]]);
  });

  test('on a closed codec throws InvalidStateError', () => {
    const { native, codec } = make();
    codec.close();
    assert.throws(() => codec.reset(), { name: 'InvalidStateError', message: 'FakeEncoder.reset: the codec is closed by close()' });
    assert.equal(native.callsOf('sessionReset').length, 0);
  });

  test('events of the previous generation are dropped (output, dequeue, flush, error)', async () => {
    const { codec, s, outputs, errors } = make();
    codec.configure({});
    codec.encode({});
    codec.reset();
    codec.configure({});
    codec.encode({});
    assert.equal(codec.encodeQueueSize, 1);
    s.emit([
      { type: 'output', gen: 0, output: 'stale' },
      { type: 'dequeue', gen: 0, count: 1 },
      { type: 'error', gen: 0, name: 'EncodingError', message: 'stale' },
    ]);
    assert.deepEqual(outputs, []);
    assert.equal(codec.encodeQueueSize, 1);
    assert.equal(codec.state, 'configured');
    assert.deepEqual(errors, []);
    s.emit([{ type: 'output', gen: 1, output: 'fresh' }, { type: 'dequeue', gen: 1, count: 1 }]);
    assert.deepEqual(outputs, [['fresh', { meta: 1 }]]);
    assert.equal(codec.encodeQueueSize, 0);
    await nextTurn();
  });

  test('with the automatic fake: work queued before reset() produces nothing', async () => {
    const { codec, outputs } = make(FakeEncoder, { auto: 'each' });
    codec.configure({});
    codec.encode({ n: 1 });
    codec.encode({ n: 2 });
    codec.reset();
    codec.configure({});
    codec.encode({ n: 3 });
    await codec.flush();
    assert.deepEqual(outputs.map((o) => o[0].of.n), [3]);
    assert.equal(codec.encodeQueueSize, 0);
  });
});

// ---------------------------------------------------------------- close

describe('close', () => {
  test('unconfigured/configured → closed; session closed; the hook runs', () => {
    for (const configure of [false, true]) {
      const { native, codec, errors } = make();
      if (configure) codec.configure({});
      codec.close();
      assert.equal(codec.state, 'closed');
      assert.equal(native.callsOf('sessionClose').length, 1);
      assert.equal(native.liveSessions, 0);
      assert.equal(codec.resets.length, 1);
      assert.equal(codec.resets[0].name, 'AbortError');
      assert.equal(errors.length, 0);
    }
  });

  test('a second close() throws InvalidStateError (Close runs Reset, whose step 1 throws)', () => {
    const { native, codec } = make();
    codec.close();
    assert.throws(() => codec.close(), { name: 'InvalidStateError', message: 'FakeEncoder.close: the codec is closed by close()' });
    assert.equal(native.callsOf('sessionClose').length, 1);
  });

  test('every call on a closed codec: InvalidStateError (flush rejects)', async () => {
    const { codec } = make(FakeDecoder);
    codec.close();
    assert.throws(() => codec.configure({}), { name: 'InvalidStateError' });
    assert.throws(() => codec.decode({ type: 'key' }), { name: 'InvalidStateError' });
    assert.throws(() => codec.reset(), { name: 'InvalidStateError' });
    assert.throws(() => codec.close(), { name: 'InvalidStateError' });
    await assert.rejects(codec.flush(), { name: 'InvalidStateError' });
    assert.equal(codec.state, 'closed');
  });

  test('no event is delivered after close, even one of the current generation', async () => {
    const { codec, s, outputs, errors } = make();
    codec.configure({});
    codec.encode({});
    codec.close();
    const seen = dequeueEventsOf(codec);
    await nextTurn(); // the close-time dequeue event
    const before = seen.count;
    for (const gen of [0, 1]) {
      s.emit([
        { type: 'output', gen, output: 'late' },
        { type: 'dequeue', gen, count: 1 },
        { type: 'error', gen, name: 'EncodingError', message: 'late' },
      ], { force: true });
    }
    await turns(2);
    assert.deepEqual(outputs, []);
    assert.deepEqual(errors, []);
    assert.equal(seen.count, before);
    assert.equal(codec.state, 'closed');
  });
});

// ---------------------------------------------------------------- errors from the worker

describe('error events', () => {
  test('close the codec, reject pending flushes with that error, then call the error callback with it', async () => {
    const { native, codec, s, errors, outputs } = make();
    codec.configure({});
    codec.encode({});
    codec.encode({});
    const flushed = settle(codec.flush());
    s.emit([
      { type: 'output', gen: 0, output: 'before' },
      { type: 'error', gen: 0, name: 'EncodingError', message: 'avcodec_send_frame: Invalid data (-1094995529)' },
      { type: 'output', gen: 0, output: 'after' },
      { type: 'flush', gen: 0, id: 1 },
    ]);
    assert.equal(codec.state, 'closed');
    assert.equal(codec.encodeQueueSize, 0);
    assert.deepEqual(outputs, [['before', { meta: 1 }]], 'the rest of the batch is dropped');
    assert.equal(errors.length, 1);
    const err = errors[0];
    assert.ok(err instanceof DOMException);
    assert.equal(err.name, 'EncodingError');
    assert.equal(err.message, 'avcodec_send_frame: Invalid data (-1094995529)');
    assert.equal(native.callsOf('sessionClose').length, 1);
    assert.equal(codec.resets.length, 1);
    assert.equal(codec.resets[0], err);
    await nextTurn();
    assert.equal(flushed.status, 'rejected');
    assert.equal(flushed.reason, err, 'the flush is rejected with the same error object');
  });

  test('the error callback sees the codec already closed', () => {
    const native = new FakeNative();
    let seen = null;
    const codec = new FakeEncoder({ output() {}, error: (e) => { seen = [e.name, codec.state, codec.encodeQueueSize]; } }, native);
    codec.configure({});
    codec.encode({});
    native.session.emit([{ type: 'error', gen: 0, name: 'NotSupportedError', message: 'no encoder for "x"' }]);
    assert.deepEqual(seen, ['NotSupportedError', 'closed', 0]);
  });

  test('error names map through errors.js (TypeError stays a TypeError, unknown → OperationError)', () => {
    for (const [name, expected, isDom] of [['TypeError', 'TypeError', false], ['Bogus', 'OperationError', true], ['DataError', 'DataError', true]]) {
      const { codec, s, errors } = make();
      codec.configure({});
      s.emit([{ type: 'error', gen: 0, name, message: 'm' }]);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].name, expected);
      assert.equal(errors[0] instanceof DOMException, isDom);
      assert.equal(codec.state, 'closed');
    }
  });

  test('an AbortError from the worker closes the codec without calling the error callback', async () => {
    const { codec, s, errors } = make();
    codec.configure({});
    const p = codec.flush();
    s.emit([{ type: 'error', gen: 0, name: 'AbortError', message: 'aborted' }]);
    assert.equal(codec.state, 'closed');
    await assert.rejects(p, { name: 'AbortError' });
    assert.equal(errors.length, 0);
  });

  test('an error callback that throws is reported as uncaughtException on a later tick; the codec stays closed', async () => {
    const native = new FakeNative();
    const boom = new Error('boom from error callback');
    const codec = new FakeEncoder({ output() {}, error: () => { throw boom; } }, native);
    codec.configure({});
    const uncaught = captureUncaught();
    let returned = false;
    native.session.emit([{ type: 'error', gen: 0, name: 'EncodingError', message: 'x' }]);
    returned = true;
    assert.equal(codec.state, 'closed');
    assert.equal(await uncaught, boom);
    assert.ok(returned);
  });

  test('an error from configure (automatic fake): NotSupportedError, closed', async () => {
    const { codec, errors } = make(FakeEncoder, { auto: 'each' });
    codec.configure({ fail: 'codec "nope"' });
    const p = codec.flush();
    await assert.rejects(p, { name: 'NotSupportedError' });
    assert.equal(codec.state, 'closed');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].name, 'NotSupportedError');
  });
});

// ---------------------------------------------------------------- end to end with the automatic fake

describe('with the automatic fake worker', () => {
  for (const auto of ['each', 'batch']) {
    test(`auto=${auto}: encode, dequeue, output, flush in order; queue back to zero`, async () => {
      const { codec, outputs, native } = make(FakeEncoder, { auto });
      const seen = dequeueEventsOf(codec);
      codec.configure({});
      for (let n = 0; n < 5; n++) codec.encode({ n });
      assert.equal(codec.encodeQueueSize, 5);
      await codec.flush();
      assert.deepEqual(outputs.map((o) => o[0].of.n), [0, 1, 2, 3, 4]);
      assert.equal(codec.encodeQueueSize, 0);
      await nextTurn();
      assert.ok(seen.count >= 1);
      if (auto === 'batch') assert.equal(seen.count, 1, 'one batch → one dequeue event');
      codec.close();
      assert.equal(native.liveSessions, 0);
    });
  }

  test('decode error mid-stream: later work never outputs; flush rejects with EncodingError', async () => {
    const { codec, outputs, errors } = make(FakeDecoder, { auto: 'each' });
    codec.configure({});
    codec.decode({ type: 'key', n: 0 });
    codec.decode({ type: 'delta', n: 1, fail: 'chunk 1' });
    codec.decode({ type: 'delta', n: 2 });
    await assert.rejects(codec.flush(), { name: 'EncodingError', message: 'fake: cannot process chunk 1' });
    assert.deepEqual(outputs.map((o) => o[0].of.n), [0]);
    assert.equal(errors.length, 1);
    assert.equal(codec.state, 'closed');
    assert.equal(codec.decodeQueueSize, 0);
  });

  test('two codecs are independent', async () => {
    const native = new FakeNative({ auto: 'each' });
    const outA = [];
    const outB = [];
    const a = new FakeEncoder({ output: (x) => outA.push(x.of), error() {} }, native);
    const b = new FakeEncoder({ output: (x) => outB.push(x.of), error() {} }, native);
    a.configure({});
    b.configure({});
    a.encode('a1');
    b.encode('b1');
    a.reset();
    await b.flush();
    assert.deepEqual(outA, []);
    assert.deepEqual(outB, ['b1']);
    assert.equal(a.state, 'unconfigured');
    assert.equal(b.state, 'configured');
  });
});
