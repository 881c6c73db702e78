'use strict';
// js/ layer: ImageTrackList and ImageTrack (WebCodecs "ImageTrackList Interface" and "ImageTrack
// Interface"): the tracks an ImageDecoder establishes and updates from what its worker reports,
// and track selection. Only image-decoder.js makes them (with INTERNAL) and reaches their
// #private state (listInternals, trackInternals); a track reaches its decoder through the two
// functions ImageDecoder gives `bindDecoder`. Their WebIDL shape (enumerable members, length 0,
// Symbol.toStringTag) is set with ImageDecoder's, in image-decoder.js.

const { typeError } = require('./errors');
const { settleablePromise } = require('./webidl');

/** Passed to ImageTrackList/ImageTrack constructors by image-decoder.js only. */
const INTERNAL = Symbol('ImageDecoder internal');

// Module-private access to #private state across the classes (set in static blocks and by
// bindDecoder).
let decoderClosed;
let decoderSelectTrack;
let listInternals;
let trackInternals;

/**
 * ImageDecoder's side of track selection, given by its static block: whether a decoder is closed,
 * and the selected setter's steps 10–12 (reset the decoder, queue the new selected index).
 * @param {{closed: (decoder: any) => boolean, selectTrack: (decoder: any, index: number) => void}} hooks
 */
function bindDecoder(hooks) {
  decoderClosed = hooks.closed;
  decoderSelectTrack = hooks.selectTrack;
}

class ImageTrackList {
  #decoder;
  // [[track list]]
  #list = [];
  // [[selected index]]
  #selectedIndex = -1;
  // [[ready promise]]
  #ready = settleablePromise();

  constructor(key, decoder) {
    if (key !== INTERNAL) throw typeError('Illegal constructor: ImageTrackList objects come from ImageDecoder.tracks');
    this.#decoder = decoder;
  }

  get ready() { return this.#ready.promise; }
  get length() { return this.#list.length; }
  get selectedIndex() { return this.#selectedIndex; }
  get selectedTrack() {
    // 1. [[selected index]] -1 → null. 2. Otherwise the track at that index.
    if (this.#selectedIndex === -1) return null;
    return this.#list[this.#selectedIndex];
  }

  /** Indexed properties as WebIDL defines them for `getter ImageTrack (unsigned long index)`. */
  #defineIndices() {
    for (let i = 0; i < this.#list.length; i++) {
      Object.defineProperty(this, i, { value: this.#list[i], writable: false, enumerable: true, configurable: true });
    }
  }

  static {
    listInternals = {
      selectedIndex: (l) => l.#selectedIndex,
      tracks: (l) => l.#list,
      setSelectedIndex: (l, i) => { l.#selectedIndex = i; },
      establish: (l, list, selected) => {
        // Establish Tracks step 10 (a task): the track list, the selected index, resolve ready.
        l.#list = list;
        l.#selectedIndex = selected;
        l.#defineIndices();
        if (!l.#ready.settled) {
          l.#ready.settled = true;
          l.#ready.resolve();
        }
      },
      close: (l, exception) => {
        for (let i = 0; i < l.#list.length; i++) delete l[i];
        l.#list = [];
        l.#selectedIndex = -1;
        if (!l.#ready.settled) {
          l.#ready.settled = true;
          l.#ready.reject(exception);
        }
      },
    };
  }
}

// Iteration and `Array.from(tracks)` work as for other WebIDL indexed-getter objects.
Object.defineProperty(ImageTrackList.prototype, Symbol.iterator, {
  value: Array.prototype[Symbol.iterator], writable: true, enumerable: false, configurable: true,
});

// ------------------------------------------------------------------------------------------

class ImageTrack {
  // [[ImageDecoder]], [[ImageTrackList]]
  #decoder;
  #list;
  // [[animated]], [[frame count]], [[repetition count]], [[selected]]
  #animated = false;
  #frameCount = 0;
  #repetitionCount = 0;
  #selected = false;

  constructor(key, decoder, list, info) {
    if (key !== INTERNAL) throw typeError('Illegal constructor: ImageTrack objects come from ImageDecoder.tracks');
    this.#decoder = decoder;
    this.#list = list;
    const i = info || {};
    this.#animated = i.animated === true;
    this.#frameCount = Number.isInteger(i.frameCount) && i.frameCount > 0 ? i.frameCount : 0;
    this.#repetitionCount = typeof i.repetitionCount === 'number' && i.repetitionCount >= 0 ? i.repetitionCount : 0;
  }

  get animated() { return this.#animated; }
  get frameCount() { return this.#frameCount; }
  get repetitionCount() { return this.#repetitionCount; }
  get selected() { return this.#selected; }

  set selected(value) {
    // 1. [[ImageDecoder]] closed → abort.
    if (decoderClosed(this.#decoder)) return;
    // 2.–3. newValue (WebIDL boolean); unchanged → abort.
    const newValue = Boolean(value);
    if (newValue === this.#selected) return;
    // 4. [[selected]] = newValue.
    this.#selected = newValue;
    // 5.–7. Unselect the previously selected track.
    const list = this.#list;
    const oldIndex = listInternals.selectedIndex(list);
    const tracks = listInternals.tracks(list);
    if (oldIndex !== -1 && tracks[oldIndex] !== this) tracks[oldIndex].#selected = false;
    // 8.–9. [[selected index]] = this track's index, or -1.
    const selectedIndex = newValue ? tracks.indexOf(this) : -1;
    listInternals.setSelectedIndex(list, selectedIndex);
    // 10.–12. Reset the decoder and queue the internal selected track index update.
    decoderSelectTrack(this.#decoder, selectedIndex);
  }

  static {
    trackInternals = {
      setSelected: (t, v) => { t.#selected = v; },
      update: (t, info) => {
        if (!info) return;
        // Update Tracks: the latest frame count is never below the current one.
        if (Number.isInteger(info.frameCount) && info.frameCount > t.#frameCount) t.#frameCount = info.frameCount;
        if (info.animated === true) t.#animated = true;
        if (typeof info.repetitionCount === 'number' && info.repetitionCount >= 0) t.#repetitionCount = info.repetitionCount;
      },
    };
  }
}

module.exports = { ImageTrackList, ImageTrack, INTERNAL, listInternals, trackInternals, bindDecoder };
