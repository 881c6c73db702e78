'use strict';
// js/ layer: VideoFrame (WebCodecs §9.4). A frame is a native FrameHandle (the
// pixels, in native memory, shared by clones and freed by the last close) plus
// its JS-side view state: format, coded size, visible rect, rotation/flip,
// display size, timestamp, duration, color space and metadata.
// Invariant (docs/ARCHITECTURE.md, "Memory"): close() releases the native reference at once. The safety
// net for frames users forget to close is the native handle's own finalizer (a JsBox
// whose drop releases its reference when the frame, and so the box, is collected). A JS
// FinalizationRegistry on top of it would do the same work again and costs RSS: measured
// RSS kept climbing to +23 MB over 60,000 create/close cycles, against +9 MB (all in the
// first 10,000) without it (test/guardrails/video-frame-rss.test.js measures this).

const native = require('./native');
const { typeError, invalidState, notSupported, describe } = require('./errors');
const { isBufferSource, toUint8Array, validateTransferList, detach } = require('./webidl');
const pf = require('./pixel-format');
const { DOMRectReadOnly } = require('./dom-rect');
const { VideoColorSpace } = require('./video-color-space');
const mediaToken = require('./media-token');
const {
  convertBufferInit, convertFrameInit, convertCopyToOptions, validateFrameInit, copyMetadata,
  parseRotation, addRotations, pickColorSpace, MAX_DIMENSION,
} = require('./video-frame-init');
require('./unclosed-warning'); // the once-per-process warning for collected, unclosed media

const WHAT = 'VideoFrame';

/** Passed as the first constructor argument by wrapNativeFrame()/clone(): never reachable by users. */
const INTERNAL = Symbol('VideoFrame internal');

// Module-private accessors into VideoFrame's #private state (set in a static block).
let getHandle;
let getNativeFormat;
let brand;
let exportSlots;


class VideoFrame {
  // [[resource reference]]: the native handle, null once closed.
  #handle = null;
  // postMessage()/structuredClone() of a VideoFrame throw DataCloneError where Node.js lets us
  // say so (worker_threads.markAsUncloneable, Node.js ≥ 22.10); serializeVideoFrame() is the
  // supported way across threads.
  #uncloneable = mediaToken.markUncloneable(this);
  // Format of the native resource (differs from #format after alpha: 'discard').
  #nativeFormat = null;
  // [[Detached]]
  #detached = false;
  // [[format]]
  #format = null;
  // [[coded width]], [[coded height]]
  #codedWidth = 0;
  #codedHeight = 0;
  // [[visible left]], [[visible top]], [[visible width]], [[visible height]]
  #visibleLeft = 0;
  #visibleTop = 0;
  #visibleWidth = 0;
  #visibleHeight = 0;
  // [[rotation]], [[flip]]
  #rotation = 0;
  #flip = false;
  // [[display width]], [[display height]]
  #displayWidth = 0;
  #displayHeight = 0;
  // [[duration]], [[timestamp]]
  #duration = null;
  #timestamp = 0;
  // [[color space]]
  #colorSpace = null;
  // [[metadata]]
  #metadata = {};

  /**
   * VideoFrame(image, init) — image must be a VideoFrame in Node.js (no CanvasImageSource here).
   * VideoFrame(data, init) — data is an AllowSharedBufferSource, init a VideoFrameBufferInit.
   */
  constructor(source, init) {
    if (source === INTERNAL) {
      this.#adopt(init);
      return;
    }
    if (arguments.length < 1) {
      throw typeError(`${WHAT}: expected a BufferSource and a VideoFrameBufferInit, or a VideoFrame, got nothing`);
    }
    if (brand(source)) {
      this.#initFromFrame(source, init);
    } else if (isBufferSource(source)) {
      if (arguments.length < 2 || init === undefined) {
        throw typeError(`${WHAT}: expected a VideoFrameBufferInit as the second argument when constructing ` +
          'from a buffer, got undefined');
      }
      this.#initFromBuffer(source, init);
    } else {
      throw typeError(`${WHAT}: expected a BufferSource (ArrayBuffer, TypedArray, DataView) or a VideoFrame, ` +
        `got ${describe(source)}; CanvasImageSource types (ImageBitmap, canvas, img, video) do not exist in ` +
        'Node.js: read their pixels into a buffer and pass it with a VideoFrameBufferInit');
    }
  }

  // --- Constructors' algorithms --------------------------------------------------------------

  /** VideoFrame(data, init) steps 1–22. */
  #initFromBuffer(data, initArg) {
    const init = convertBufferInit(initArg);
    const { format, codedWidth, codedHeight } = init;

    // 1. If init is not a valid VideoFrameBufferInit, throw a TypeError.
    //    (codedWidth/codedHeight = 0, negative or non-finite visibleRect members and the
    //    display size checks were done while converting; the bounds are checked here.)
    if (init.visibleRect !== undefined) {
      const r = init.visibleRect;
      if (r.y + r.height > codedHeight) {
        throw typeError(`${WHAT}: expected visibleRect y + height <= codedHeight ${codedHeight}, got ${r.y} + ${r.height}`);
      }
      if (r.x + r.width > codedWidth) {
        throw typeError(`${WHAT}: expected visibleRect x + width <= codedWidth ${codedWidth}, got ${r.x} + ${r.width}`);
      }
    }
    // 2. Let defaultRect be «x: 0, y: 0, width: codedWidth, height: codedHeight».
    const defaultRect = { x: 0, y: 0, width: codedWidth, height: codedHeight };
    // 3.–6. parsedRect = Parse Visible Rect(defaultRect, init.visibleRect, codedWidth, codedHeight, format).
    const parsedRect = pf.parseVisibleRect(defaultRect, init.visibleRect, codedWidth, codedHeight, format,
      `${WHAT}: visibleRect`);
    // 7.–10. combinedLayout = Compute Layout and Allocation Size(…, format, init.layout).
    //    As Chrome does (and WPT's "copyTo from byte data with non-default visibleRect"
    //    expects), `layout` (or tight packing) describes the whole coded frame in `data`;
    //    parsedRect then says which part of it to copy.
    const sourceLayout = pf.computeLayoutAndAllocationSize(defaultRect, format, init.layout, `${WHAT}: layout`);
    const visibleLayout = pf.computeLayoutAndAllocationSize(parsedRect, format, undefined, WHAT);
    // 11. If data.byteLength is less than combinedLayout's allocationSize, throw a TypeError.
    const bytes = toUint8Array(data, `${WHAT}: data`);
    if (bytes.byteLength < sourceLayout.allocationSize) {
      throw typeError(`${WHAT}: expected data of at least ${sourceLayout.allocationSize} bytes for a ` +
        `${codedWidth}x${codedHeight} ${format} frame${init.layout ? ' with this layout' : ''}, got ${bytes.byteLength}`);
    }
    // 12.–13. Transfer list: no duplicates, nothing detached (DataCloneError).
    const transfer = validateTransferList(init.transfer, WHAT);
    // 14.–15. Let resource be a new media resource containing a copy of data. We MAY copy only
    //    the visible rectangle and reposition it: the resource's coded size is the visible size
    //    and the visible rect starts at (0, 0) (what Chrome does).
    const planes = sourceLayout.computedLayouts.map((src, i) => {
      const vis = visibleLayout.computedLayouts[i];
      return {
        offset: src.destinationOffset + vis.sourceTop * src.destinationStride + vis.sourceLeftBytes,
        stride: src.destinationStride,
        rowBytes: vis.sourceWidthBytes,
        rows: vis.sourceHeight,
      };
    });
    const resourceWidth = parsedRect.width;
    const resourceHeight = parsedRect.height;
    const handle = native.frameCreate(format, resourceWidth, resourceHeight, bytes, planes);
    // 16. Detach every ArrayBuffer in transfer.
    for (const buf of transfer) detach(buf);

    // 17.–21. Initialize the frame.
    this.#handle = handle;
    this.#nativeFormat = format;
    // 21.1 coded size and visible offset of the resource.
    this.#codedWidth = resourceWidth;
    this.#codedHeight = resourceHeight;
    this.#visibleLeft = 0;
    this.#visibleTop = 0;
    // 21.2–21.3 visible size: the (truncated) visibleRect, else the coded size.
    this.#visibleWidth = parsedRect.width;
    this.#visibleHeight = parsedRect.height;
    // 21.4 [[rotation]] = Parse Rotation(init.rotation); 21.5 [[flip]] = init.flip.
    this.#rotation = parseRotation(init.rotation);
    this.#flip = init.flip;
    // 21.6–21.7 display size: given, else the visible size (swapped for 90/270).
    if (init.displayWidth !== undefined) {
      this.#displayWidth = init.displayWidth;
      this.#displayHeight = init.displayHeight;
    } else if (this.#rotation === 0 || this.#rotation === 180) {
      this.#displayWidth = this.#visibleWidth;
      this.#displayHeight = this.#visibleHeight;
    } else {
      this.#displayWidth = this.#visibleHeight;
      this.#displayHeight = this.#visibleWidth;
    }
    // 21.8 timestamp and duration.
    this.#timestamp = init.timestamp;
    this.#duration = init.duration === undefined ? null : init.duration;
    // 21.9–21.11 format; 21.12 [[color space]] = Pick Color Space(init.colorSpace, format).
    this.#format = format;
    this.#colorSpace = pickColorSpace(init.colorSpace, format);
    // 21.13 [[metadata]] = Copy VideoFrame metadata(init.metadata).
    this.#metadata = init.metadata;
  }

  /** VideoFrame(image, init) with image a VideoFrame: "Initialize Frame From Other Frame". */
  #initFromFrame(other, initArg) {
    // "Check the usability of the image argument": a closed VideoFrame is unusable.
    if (other.#detached) {
      throw invalidState(`${WHAT}: cannot construct a VideoFrame from a closed VideoFrame`);
    }
    const init = convertFrameInit(initArg);
    // 1. Let format be otherFrame.format.
    let format = other.#format;
    // 2. If init.alpha is "discard", use format's equivalent opaque format.
    if (init.alpha === 'discard' && format !== null) format = pf.opaqueFormat(format);
    // 3.–4. Validate VideoFrameInit (format, otherFrame's coded size); TypeError if invalid.
    validateFrameInit(init, format, other.#codedWidth, other.#codedHeight);
    // 5.–6. A new reference to otherFrame's media resource.
    this.#handle = native.frameClone(other.#handle);
    this.#nativeFormat = other.#nativeFormat;
    // 7. codedWidth, codedHeight, colorSpace from otherFrame.
    this.#codedWidth = other.#codedWidth;
    this.#codedHeight = other.#codedHeight;
    this.#colorSpace = other.#colorSpace;
    // 8.–11. Initialize Visible Rect, Orientation, and Display Size.
    this.#initVisibleRectOrientationAndDisplaySize(init,
      { x: other.#visibleLeft, y: other.#visibleTop, width: other.#visibleWidth, height: other.#visibleHeight },
      other.#rotation, other.#flip, other.#displayWidth, other.#displayHeight);
    // 12. duration: init's, else otherFrame's.
    this.#duration = init.duration !== undefined ? init.duration : other.#duration;
    // 13. timestamp: init's, else otherFrame's.
    this.#timestamp = init.timestamp !== undefined ? init.timestamp : other.#timestamp;
    // 14. Assign format.
    this.#format = format;
    // 15. [[metadata]] = Copy VideoFrame metadata(init.metadata).
    this.#metadata = init.metadata;
  }

  /** Initialize Visible Rect, Orientation, and Display Size. */
  #initVisibleRectOrientationAndDisplaySize(init, defaultVisibleRect, baseRotation, baseFlip,
    defaultDisplayWidth, defaultDisplayHeight) {
    // 1.–2. visibleRect: init's, else the default.
    const visibleRect = init.visibleRect !== undefined ? init.visibleRect : defaultVisibleRect;
    // 3. Assign it to the visible slots.
    this.#visibleLeft = visibleRect.x;
    this.#visibleTop = visibleRect.y;
    this.#visibleWidth = visibleRect.width;
    this.#visibleHeight = visibleRect.height;
    // 4. rotation = Parse Rotation(init.rotation).
    const rotation = parseRotation(init.rotation);
    // 5. [[rotation]] = Add Rotations(baseRotation, baseFlip, rotation).
    this.#rotation = addRotations(baseRotation, baseFlip, rotation);
    // 6. [[flip]] = baseFlip XOR init.flip.
    this.#flip = baseFlip !== init.flip;
    // 7. Explicit display size.
    if (init.displayWidth !== undefined) {
      this.#displayWidth = init.displayWidth;
      this.#displayHeight = init.displayHeight;
      return;
    }
    // 8. Otherwise scale the new visible size like the old one was scaled.
    let widthScale;
    let heightScale;
    if (baseRotation === 0 || baseRotation === 180) {
      widthScale = defaultDisplayWidth / defaultVisibleRect.width;
      heightScale = defaultDisplayHeight / defaultVisibleRect.height;
    } else {
      widthScale = defaultDisplayHeight / defaultVisibleRect.width;
      heightScale = defaultDisplayWidth / defaultVisibleRect.height;
    }
    const displayWidth = Math.round(this.#visibleWidth * widthScale);
    const displayHeight = Math.round(this.#visibleHeight * heightScale);
    // 8.5–8.6 Swap for a quarter turn. The spec's "rotation" here must be the frame's final
    // [[rotation]]: the sizes above are un-rotated, so the total rotation puts them upright.
    if (this.#rotation === 0 || this.#rotation === 180) {
      this.#displayWidth = displayWidth;
      this.#displayHeight = displayHeight;
    } else {
      this.#displayWidth = displayHeight;
      this.#displayHeight = displayWidth;
    }
  }

  /** Internal constructor path: take the given slots as they are. */
  #adopt(s) {
    this.#handle = s.handle;
    this.#nativeFormat = s.nativeFormat;
    this.#format = s.format;
    this.#codedWidth = s.codedWidth;
    this.#codedHeight = s.codedHeight;
    this.#visibleLeft = s.visibleLeft;
    this.#visibleTop = s.visibleTop;
    this.#visibleWidth = s.visibleWidth;
    this.#visibleHeight = s.visibleHeight;
    this.#rotation = s.rotation;
    this.#flip = s.flip;
    this.#displayWidth = s.displayWidth;
    this.#displayHeight = s.displayHeight;
    this.#duration = s.duration;
    this.#timestamp = s.timestamp;
    this.#colorSpace = s.colorSpace;
    this.#metadata = s.metadata;
  }

  // --- Attributes ----------------------------------------------------------------------------

  get format() { return this.#format; }
  get codedWidth() { return this.#codedWidth; }
  get codedHeight() { return this.#codedHeight; }

  get codedRect() {
    // 1. If [[Detached]] is true, return null.
    if (this.#detached) return null;
    // 2.–3. A new DOMRectReadOnly at (0, 0) of the coded size.
    return new DOMRectReadOnly(0, 0, this.#codedWidth, this.#codedHeight);
  }

  get visibleRect() {
    // 1. If [[Detached]] is true, return null.
    if (this.#detached) return null;
    // 2.–3. A new DOMRectReadOnly of the visible slots.
    return new DOMRectReadOnly(this.#visibleLeft, this.#visibleTop, this.#visibleWidth, this.#visibleHeight);
  }

  get rotation() { return this.#rotation; }
  get flip() { return this.#flip; }
  get displayWidth() { return this.#displayWidth; }
  get displayHeight() { return this.#displayHeight; }
  get duration() { return this.#duration; }
  get timestamp() { return this.#timestamp; }
  get colorSpace() { return this.#colorSpace; }

  // --- Methods -------------------------------------------------------------------------------

  /** metadata() */
  metadata() {
    // 1. If [[Detached]] is true, throw an InvalidStateError.
    if (this.#detached) throw invalidState(`${WHAT}.metadata: the VideoFrame is closed`);
    // 2. Return Copy VideoFrame metadata([[metadata]]).
    return structuredClone(this.#metadata);
  }

  /** allocationSize(options) */
  allocationSize(options = {}) {
    // 1. If [[Detached]] is true, throw an InvalidStateError.
    if (this.#detached) throw invalidState(`${WHAT}.allocationSize: the VideoFrame is closed`);
    // 2. If [[format]] is null, throw a NotSupportedError.
    if (this.#format === null) {
      throw notSupported(`${WHAT}.allocationSize: this frame's pixel format has no VideoPixelFormat name`);
    }
    // 3.–4. combinedLayout = Parse VideoFrameCopyToOptions(options); rethrow its exception.
    const parsed = this.#parseCopyToOptions(options, `${WHAT}.allocationSize`);
    // 5. Return combinedLayout's allocationSize.
    return parsed.combinedLayout.allocationSize;
  }

  /** copyTo(destination, options): copies synchronously, resolves with the PlaneLayouts. */
  copyTo(destination, options = {}) {
    try {
      return Promise.resolve(this.#copyTo(destination, options, arguments.length));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #copyTo(destination, options, argc) {
    const where = `${WHAT}.copyTo`;
    // 1. If [[Detached]] is true, return a promise rejected with an InvalidStateError.
    if (this.#detached) throw invalidState(`${where}: the VideoFrame is closed`);
    // 2. If [[format]] is null, return a promise rejected with a NotSupportedError.
    if (this.#format === null) throw notSupported(`${where}: this frame's pixel format has no VideoPixelFormat name`);
    if (argc < 1) throw typeError(`${where}: expected a destination BufferSource, got nothing`);
    const dest = toUint8Array(destination, `${where}: destination`);
    // 3.–4. combinedLayout = Parse VideoFrameCopyToOptions(options).
    const { parsedRect, format, explicitFormat, combinedLayout, colorSpace } = this.#parseCopyToOptions(options, where);
    // 5. If destination.byteLength < allocationSize, reject with a TypeError.
    if (dest.byteLength < combinedLayout.allocationSize) {
      throw typeError(`${where}: expected a destination of at least ${combinedLayout.allocationSize} bytes, ` +
        `got ${dest.byteLength}`);
    }
    // 6. options.format is an RGB format: "Convert to RGB frame" with options.format and
    //    options.colorSpace, then copy that. A copy to the frame's own format with no colorSpace
    //    asked for is the same pixels, so it takes the plain copy below and keeps every byte (the
    //    X byte of RGBX/BGRX included). A conversion writes X = 255: X is padding, and WPT
    //    videoFrame-copyTo-rgb expects the opaque alpha a canvas gives back.
    if (explicitFormat && (format !== this.#format || colorSpace !== undefined)) {
      const out = combinedLayout.computedLayouts[0];
      const rect = { x: parsedRect.x, y: parsedRect.y, width: parsedRect.width, height: parsedRect.height };
      const cs = this.#colorSpace;
      native.frameConvert(this.#handle, dest, rect, format, out.destinationOffset, out.destinationStride, {
        matrix: cs.matrix, fullRange: cs.fullRange, primaries: cs.primaries, transfer: cs.transfer,
        target: colorSpace === undefined ? 'srgb' : colorSpace,
        // Opaque output: an X destination, or a source whose format (after alpha: 'discard') has none.
        opaque: !pf.hasAlpha(format) || !pf.hasAlpha(this.#format),
      });
      return [{ offset: out.destinationOffset, stride: out.destinationStride }];
    }
    // 7.–10. Copy each plane's rows (native, bounds-checked), collect the PlaneLayouts.
    const ops = combinedLayout.computedLayouts.map((c, plane) => ({
      plane, x: c.sourceLeftBytes, y: c.sourceTop, rowBytes: c.sourceWidthBytes, rows: c.sourceHeight,
      dstOffset: c.destinationOffset, dstStride: c.destinationStride,
    }));
    native.frameCopyPlanes(this.#handle, dest, ops);
    // The returned layout gives each plane's offset and stride in destination (as Chrome
    // does and WPT checks: a given layout comes back as it was given).
    return combinedLayout.computedLayouts.map((c) => ({ offset: c.destinationOffset, stride: c.destinationStride }));
  }

  /** Parse VideoFrameCopyToOptions (with options). */
  #parseCopyToOptions(optionsArg, where) {
    const options = convertCopyToOptions(optionsArg, where);
    // 1. defaultRect = the visibleRect getter's result.
    const defaultRect = {
      x: this.#visibleLeft, y: this.#visibleTop, width: this.#visibleWidth, height: this.#visibleHeight,
    };
    // 2.–3. overrideRect = options.rect, if it exists.
    // 4.–5. parsedRect = Parse Visible Rect(defaultRect, overrideRect, coded size, [[format]]).
    const parsedRect = pf.parseVisibleRect(defaultRect, options.rect, this.#codedWidth, this.#codedHeight,
      this.#format, `${where}: rect`);
    // 6.–7. optLayout = options.layout, if it exists.
    // 8.–10. format: [[format]] unless options.format is RGBA, RGBX, BGRA or BGRX; any other
    //     options.format is a NotSupportedError.
    let format = this.#format;
    if (options.format !== undefined) {
      if (!pf.RGB_COPY_FORMATS.includes(options.format)) {
        throw notSupported(`${where}: expected format to be one of 'RGBA', 'RGBX', 'BGRA', 'BGRX' ` +
          `(conversion targets), got ${describe(options.format)}`);
      }
      format = options.format;
    }
    // 11.–12. combinedLayout = Compute Layout and Allocation Size(parsedRect, format, optLayout).
    const combinedLayout = pf.computeLayoutAndAllocationSize(parsedRect, format, options.layout, `${where}: layout`);
    return { parsedRect, format, explicitFormat: options.format !== undefined, combinedLayout, colorSpace: options.colorSpace };
  }

  /** clone() */
  clone() {
    // 1. If [[Detached]] is true, throw an InvalidStateError.
    if (this.#detached) throw invalidState(`${WHAT}.clone: the VideoFrame is closed`);
    // 2. Clone VideoFrame: a new reference to the resource, every other slot copied.
    return new VideoFrame(INTERNAL, this.#slots(native.frameClone(this.#handle)));
  }

  #slots(handle) {
    return {
      handle, nativeFormat: this.#nativeFormat, format: this.#format,
      codedWidth: this.#codedWidth, codedHeight: this.#codedHeight,
      visibleLeft: this.#visibleLeft, visibleTop: this.#visibleTop,
      visibleWidth: this.#visibleWidth, visibleHeight: this.#visibleHeight,
      rotation: this.#rotation, flip: this.#flip,
      displayWidth: this.#displayWidth, displayHeight: this.#displayHeight,
      duration: this.#duration, timestamp: this.#timestamp,
      colorSpace: this.#colorSpace, metadata: this.#metadata,
    };
  }

  /** close(): Close VideoFrame. Idempotent; the pixels are freed when the last reference closes. */
  close() {
    if (this.#detached) return;
    const handle = this.#handle;
    // 1. [[resource reference]] = null; 2. [[Detached]] = true.
    this.#handle = null;
    this.#detached = true;
    native.frameClose(handle);
    // 3. format = null.
    this.#format = null;
    this.#nativeFormat = null;
    // 4. Zero the coded, visible, rotation and display slots.
    this.#codedWidth = 0;
    this.#codedHeight = 0;
    this.#visibleLeft = 0;
    this.#visibleTop = 0;
    this.#visibleWidth = 0;
    this.#visibleHeight = 0;
    this.#rotation = 0;
    this.#displayWidth = 0;
    this.#displayHeight = 0;
    // 5. [[flip]] = false.
    this.#flip = false;
    // 6. A new, empty VideoFrameMetadata.
    this.#metadata = {};
    // The spec's Close VideoFrame leaves [[timestamp]], [[duration]] and [[color space]] alone, so
    // timestamp and duration keep their values (WPT videoFrame-construction "Test closed
    // VideoFrame": timestamp 10 and duration 15 after close). colorSpace is where WPT and Chrome
    // go further than the spec's text: they read an empty VideoColorSpace (every member null)
    // once closed, which is what we return; nothing of the closed frame's colour survives.
    this.#colorSpace = new VideoColorSpace();
  }

  get [Symbol.toStringTag]() { return 'VideoFrame'; }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    if (this.#detached) return 'VideoFrame { closed, timestamp: ' + this.#timestamp + ' }';
    const fields = {
      format: this.#format, codedWidth: this.#codedWidth, codedHeight: this.#codedHeight,
      visibleRect: { x: this.#visibleLeft, y: this.#visibleTop, width: this.#visibleWidth, height: this.#visibleHeight },
      displayWidth: this.#displayWidth, displayHeight: this.#displayHeight,
      rotation: this.#rotation, flip: this.#flip,
      timestamp: this.#timestamp, duration: this.#duration, colorSpace: this.#colorSpace.toJSON(),
    };
    return `VideoFrame ${inspect(fields, options)}`;
  }

  static {
    exportSlots = (frame) => frame.#slots(null);
    getHandle = (frame) => frame.#handle;
    getNativeFormat = (frame) => frame.#nativeFormat;
    brand = (v) => v !== null && typeof v === 'object' && #handle in v;
  }
}
// WebIDL: the constructor's length is that of its shortest overload, VideoFrame(image).
Object.defineProperty(VideoFrame, 'length', { value: 1 });
for (const k of ['format', 'codedWidth', 'codedHeight', 'codedRect', 'visibleRect', 'rotation', 'flip',
  'displayWidth', 'displayHeight', 'duration', 'timestamp', 'colorSpace']) {
  Object.defineProperty(VideoFrame.prototype, k, {
    ...Object.getOwnPropertyDescriptor(VideoFrame.prototype, k), enumerable: true,
  });
}

// --- Internal API for codecs ----------------------------------------------------------------------

/**
 * Create a VideoFrame (the spec's "Create a VideoFrame") around a native FrameHandle that a
 * decoder produced; the new frame owns `handle` (its close() releases it).
 * opts: {timestamp, duration?, visibleRect?: {x, y, width, height}, displayWidth?, displayHeight?,
 *        displayAspectWidth?, displayAspectHeight?, colorSpace?: VideoColorSpaceInit,
 *        format?: VideoPixelFormat (defaults to the native format), rotation?, flip?, metadata?}
 */
function wrapNativeFrame(handle, opts = {}) {
  const info = native.frameInfo(handle);
  // 5. A recognized VideoPixelFormat, else null.
  const nativeFormat = pf.isVideoPixelFormat(info.format) ? info.format : null;
  const format = opts.format !== undefined ? opts.format : nativeFormat;
  // 6.–7. Coded size and visible rect of the output.
  const { codedWidth, codedHeight } = info;
  const v = opts.visibleRect || { x: 0, y: 0, width: codedWidth, height: codedHeight };
  const rotation = parseRotation(opts.rotation === undefined ? 0 : opts.rotation);
  // 8. Display size of the output (default: the visible size, upright).
  let displayWidth = opts.displayWidth;
  let displayHeight = opts.displayHeight;
  if (displayWidth === undefined || displayHeight === undefined) {
    const quarter = rotation === 90 || rotation === 270;
    displayWidth = quarter ? v.height : v.width;
    displayHeight = quarter ? v.width : v.height;
  }
  // 9. displayAspectWidth/Height: grow one side until the ratio matches.
  const aw = opts.displayAspectWidth;
  const ah = opts.displayAspectHeight;
  if (aw > 0 && ah > 0) {
    if (displayWidth * ah > aw * displayHeight) displayHeight = Math.round(displayWidth * ah / aw);
    else if (displayWidth * ah < aw * displayHeight) displayWidth = Math.round(displayHeight * aw / ah);
  }
  // 10.–13. Sizes, duration, timestamp, color space (Pick Color Space), rotation and flip.
  return new VideoFrame(INTERNAL, {
    handle, nativeFormat, format, codedWidth, codedHeight,
    visibleLeft: v.x, visibleTop: v.y, visibleWidth: v.width, visibleHeight: v.height,
    rotation, flip: Boolean(opts.flip), displayWidth, displayHeight,
    duration: opts.duration === undefined ? null : opts.duration,
    timestamp: opts.timestamp === undefined ? 0 : opts.timestamp,
    colorSpace: pickColorSpace(opts.colorSpace === undefined ? undefined : opts.colorSpace, format),
    metadata: opts.metadata === undefined ? {} : copyMetadata(opts.metadata),
  });
}

/** The native FrameHandle of an open VideoFrame (for encoders); TypeError if closed or not a frame. */
function frameHandle(frame) {
  if (!brand(frame)) throw typeError(`expected a VideoFrame, got ${describe(frame)}`);
  const h = getHandle(frame);
  if (h === null) throw typeError('expected an open VideoFrame, got a closed one');
  return h;
}

/** The format of the native resource (may have alpha where frame.format, after alpha: 'discard', has none). */
function nativeFormatOf(frame) {
  if (!brand(frame)) throw typeError(`expected a VideoFrame, got ${describe(frame)}`);
  return getNativeFormat(frame);
}

// --- Handing frames to other threads -------------------------------------------------------------
// (the mechanism, shared with AudioData, is in media-token.js)

const TOKEN_TYPE = 'native-webcodecs:VideoFrame';

/**
 * serializeVideoFrame(frame, {transfer = false, timeout = 60000}) → a token to postMessage to
 * another thread of this process, where deserializeVideoFrame(token) gives a VideoFrame over the
 * same pixels (no copy). transfer: true closes `frame` (the spec's transfer steps); otherwise it
 * stays open (serialization steps). timeout (ms, up to one hour): the token is void after it.
 */
function serializeVideoFrame(frame, options) {
  const where = 'serializeVideoFrame';
  if (!brand(frame)) throw typeError(`${where}: expected a VideoFrame, got ${describe(frame)}`);
  const { transfer, timeout } = mediaToken.tokenOptions(options, where);
  // Serialization / transfer steps 1: a detached frame cannot be serialized: DataCloneError.
  // Steps 3–5: a new reference to the resource (parked natively under a random id).
  const id = mediaToken.deposit(getHandle(frame), timeout, where, WHAT);
  // Step 6: every other slot, as plain data.
  const s = exportSlots(frame);
  const token = {
    type: TOKEN_TYPE, id,
    format: s.format, nativeFormat: s.nativeFormat, codedWidth: s.codedWidth, codedHeight: s.codedHeight,
    visibleLeft: s.visibleLeft, visibleTop: s.visibleTop, visibleWidth: s.visibleWidth, visibleHeight: s.visibleHeight,
    rotation: s.rotation, flip: s.flip, displayWidth: s.displayWidth, displayHeight: s.displayHeight,
    duration: s.duration, timestamp: s.timestamp, colorSpace: s.colorSpace.toJSON(), metadata: structuredClone(s.metadata),
  };
  // Transfer steps 3: close the source.
  if (transfer) frame.close();
  return token;
}

/** deserializeVideoFrame(token): the VideoFrame a serializeVideoFrame() token stands for (once). */
function deserializeVideoFrame(token) {
  const handle = mediaToken.redeem(token, TOKEN_TYPE, 'video', 'deserializeVideoFrame', 'serializeVideoFrame');
  // Deserialization steps: every named field to the slot of that name (sizes from the pixels).
  const info = native.frameInfo(handle);
  const num = (v, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return new VideoFrame(INTERNAL, {
    handle, nativeFormat: pf.isVideoPixelFormat(info.format) ? info.format : null,
    format: token.format === null || pf.isVideoPixelFormat(token.format) ? token.format : null,
    codedWidth: info.codedWidth, codedHeight: info.codedHeight,
    visibleLeft: num(token.visibleLeft), visibleTop: num(token.visibleTop),
    visibleWidth: num(token.visibleWidth, info.codedWidth), visibleHeight: num(token.visibleHeight, info.codedHeight),
    rotation: num(token.rotation), flip: Boolean(token.flip),
    displayWidth: num(token.displayWidth, info.codedWidth), displayHeight: num(token.displayHeight, info.codedHeight),
    duration: typeof token.duration === 'number' ? token.duration : null, timestamp: num(token.timestamp),
    colorSpace: new VideoColorSpace(token.colorSpace || {}),
    metadata: token.metadata && typeof token.metadata === 'object' ? token.metadata : {},
  });
}

/** Whether `v` is a real VideoFrame (brand check, works for closed frames too). */
const isVideoFrame = (v) => brand(v);

module.exports = {
  VideoFrame, wrapNativeFrame, frameHandle, nativeFormatOf, isVideoFrame, serializeVideoFrame, deserializeVideoFrame,
};
