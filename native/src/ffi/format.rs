//! ffi layer: `Demuxer` owns an AVFormatContext reading from in-memory bytes through a custom
//! AVIOContext (its buffer, the context and the reader state are all freed in Drop). The bytes are
//! a `ByteSource`: fixed, or growing while read (a streamed file, shared with its writer).
use super::codec::{Codec, CodecContext, Unopened};
use super::error::{check, status, AvError, Status, EINVAL, ENOMEM, EOF};
use super::packet::Packet;
use super::sys;
use std::ffi::CString;
use std::os::raw::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::Arc;

/// Bytes a demuxer reads: a fixed buffer, or one that grows while it is being read (a streamed
/// image: the reader sees every byte appended so far, shared, never copied).
pub trait ByteSource: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copy the bytes at `pos` into `out`; returns how many were copied (0 at the end).
    fn read_at(&self, pos: usize, out: &mut [u8]) -> usize;
}

fn copy_at(src: &[u8], pos: usize, out: &mut [u8]) -> usize {
    let src = src.get(pos..).unwrap_or(&[]);
    let n = src.len().min(out.len());
    out[..n].copy_from_slice(&src[..n]);
    n
}

/// A fixed buffer.
struct Fixed(Arc<[u8]>);

impl ByteSource for Fixed {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn read_at(&self, pos: usize, out: &mut [u8]) -> usize {
        copy_at(&self.0, pos, out)
    }
}

impl ByteSource for std::sync::RwLock<Vec<u8>> {
    fn len(&self) -> usize {
        self.read().map_or(0, |v| v.len())
    }
    fn read_at(&self, pos: usize, out: &mut [u8]) -> usize {
        self.read().map_or(0, |v| copy_at(&v, pos, out))
    }
}

struct MemReader {
    data: Arc<dyn ByteSource>,
    pos: usize,
}

unsafe extern "C" fn read_cb(opaque: *mut c_void, buf: *mut u8, size: c_int) -> c_int {
    // SAFETY: opaque is the Box<MemReader> leaked in Demuxer::open and alive until Drop.
    let r = unsafe { &mut *(opaque as *mut MemReader) };
    if buf.is_null() || size <= 0 {
        return 0;
    }
    // SAFETY: FFmpeg passes a writable buffer of `size` bytes, ours until we return.
    let out = unsafe { std::slice::from_raw_parts_mut(buf, size as usize) };
    let n = r.data.read_at(r.pos, out);
    if n == 0 {
        return EOF;
    }
    r.pos += n;
    n as c_int
}

unsafe extern "C" fn seek_cb(opaque: *mut c_void, offset: i64, whence: c_int) -> i64 {
    // SAFETY: as in read_cb.
    let r = unsafe { &mut *(opaque as *mut MemReader) };
    let len = r.data.len() as i64;
    let base = match whence & !(sys::AVSEEK_FORCE as c_int) {
        w if w == sys::AVSEEK_SIZE => return len,
        0 => 0,                 // SEEK_SET
        1 => r.pos as i64,      // SEEK_CUR
        2 => len,               // SEEK_END
        _ => return EINVAL as i64,
    };
    let target = base + offset;
    if target < 0 || target > len {
        return EINVAL as i64;
    }
    r.pos = target as usize;
    target
}

pub struct Demuxer {
    ctx: NonNull<sys::AVFormatContext>,
    avio: *mut sys::AVIOContext,
    reader: *mut MemReader,
}

// SAFETY: the demuxer and its reader are used by one thread at a time (moved, never shared).
unsafe impl Send for Demuxer {}

const IO_BUFFER: usize = 32 * 1024;

fn free_io(avio: *mut sys::AVIOContext, reader: *mut MemReader) {
    if !avio.is_null() {
        let mut a = avio;
        // SAFETY: avio came from avio_alloc_context and no format context uses it any more; its buffer (maybe reallocated by FFmpeg) is av_malloc'd and freed here once.
        unsafe {
            sys::av_freep(&mut (*a).buffer as *mut *mut u8 as *mut c_void);
            sys::avio_context_free(&mut a);
        }
    }
    if !reader.is_null() {
        // SAFETY: reader came from Box::into_raw in Demuxer::open and is freed exactly once.
        drop(unsafe { Box::from_raw(reader) });
    }
}

impl Demuxer {
    /// Open `data` with the named demuxer (`gif`, `apng`, `png_pipe`, `jpeg_pipe`, `mov` …).
    /// `probe` runs avformat_find_stream_info, which decodes the start of the stream to learn its
    /// parameters: needed for containers like mov, wasted work (a second decode) for image pipes.
    pub fn open(data: Arc<[u8]>, format: &str, probe: bool) -> Result<Demuxer, AvError> {
        Self::open_source(Arc::new(Fixed(data)), format, probe)
    }

    /// As `open`, over any `ByteSource` (a growing one: the demuxer reads what has arrived).
    pub fn open_source(data: Arc<dyn ByteSource>, format: &str, probe: bool) -> Result<Demuxer, AvError> {
        let name = CString::new(format).map_err(|_| AvError { code: EINVAL, what: "av_find_input_format" })?;
        // SAFETY: name is a valid C string; the result points into a static table or is null.
        let ifmt = unsafe { sys::av_find_input_format(name.as_ptr()) };
        if ifmt.is_null() {
            return Err(AvError { code: EINVAL, what: "av_find_input_format" });
        }
        let reader = Box::into_raw(Box::new(MemReader { data, pos: 0 }));
        // SAFETY: av_malloc returns an aligned buffer or null.
        let buf = unsafe { sys::av_malloc(IO_BUFFER) } as *mut u8;
        if buf.is_null() {
            free_io(std::ptr::null_mut(), reader);
            return Err(AvError { code: ENOMEM, what: "av_malloc" });
        }
        // SAFETY: buf is IO_BUFFER bytes owned by the new context from here on; callbacks match the C signatures and opaque outlives the context.
        let avio = unsafe { sys::avio_alloc_context(buf, IO_BUFFER as c_int, 0, reader as *mut c_void, Some(read_cb), None, Some(seek_cb)) };
        if avio.is_null() {
            // SAFETY: buf was not adopted by a context; free it here.
            unsafe { sys::av_free(buf as *mut c_void) };
            free_io(std::ptr::null_mut(), reader);
            return Err(AvError { code: ENOMEM, what: "avio_alloc_context" });
        }
        // SAFETY: no preconditions; null means out of memory.
        let mut ctx = unsafe { sys::avformat_alloc_context() };
        if ctx.is_null() {
            free_io(avio, reader);
            return Err(AvError { code: ENOMEM, what: "avformat_alloc_context" });
        }
        // SAFETY: ctx is a fresh context; attaching our IO marks it custom so FFmpeg never closes it.
        unsafe {
            (*ctx).pb = avio;
            (*ctx).flags |= sys::AVFMT_FLAG_CUSTOM_IO;
        }
        // SAFETY: ctx/ifmt valid; on failure avformat_open_input frees ctx and nulls it.
        let r = unsafe { sys::avformat_open_input(&mut ctx, std::ptr::null(), ifmt, std::ptr::null_mut()) };
        if r < 0 {
            free_io(avio, reader);
            return Err(AvError { code: r, what: "avformat_open_input" });
        }
        let ctx = NonNull::new(ctx).ok_or(AvError { code: ENOMEM, what: "avformat_open_input" })?;
        let d = Demuxer { ctx, avio, reader };
        if probe {
            // SAFETY: ctx is an opened input; probing reads through our IO.
            let r = unsafe { sys::avformat_find_stream_info(d.ctx.as_ptr(), std::ptr::null_mut()) };
            check(r, "avformat_find_stream_info")?;
        }
        Ok(d)
    }

    fn stream(&self, i: usize) -> Option<&sys::AVStream> {
        // SAFETY: ctx is live; streams holds nb_streams valid pointers.
        let c = unsafe { self.ctx.as_ref() };
        if i >= c.nb_streams as usize {
            return None;
        }
        // SAFETY: i < nb_streams, checked above.
        Some(unsafe { &**c.streams.add(i) })
    }

    /// Index of the first video stream.
    pub fn video_stream(&self) -> Option<usize> {
        (0..64).take_while(|i| self.stream(*i).is_some()).find(|i| {
            let s = self.stream(*i).expect("exists");
            // SAFETY: codecpar of a live stream is valid.
            unsafe { (*s.codecpar).codec_type == sys::AVMediaType::AVMEDIA_TYPE_VIDEO }
        })
    }

    /// Index of the first video stream that is a track: FFmpeg 7.x's mov demuxer also exposes an
    /// AVIF/HEIF file's image items as streams (time base 1/1, one packet, listed first); the image
    /// sequence is the `trak`. Falls back to the first video stream (FFmpeg 5.1: only tracks).
    pub fn track_video_stream(&self) -> Option<usize> {
        let tracks = (0..64).take_while(|i| self.stream(*i).is_some()).filter(|i| {
            let s = self.stream(*i).expect("exists");
            // SAFETY: codecpar of a live stream is valid.
            let video = unsafe { (*s.codecpar).codec_type == sys::AVMediaType::AVMEDIA_TYPE_VIDEO };
            video && !(s.time_base.num == 1 && s.time_base.den == 1)
        });
        tracks.min().or_else(|| self.video_stream())
    }

    /// (num, den) of a stream's time base.
    pub fn time_base(&self, i: usize) -> (i32, i32) {
        self.stream(i).map_or((1, 1_000_000), |s| (s.time_base.num, s.time_base.den))
    }

    /// A decoder context set up from the stream's parameters (not yet opened).
    pub fn decoder_for(&self, i: usize) -> Result<CodecContext<Unopened>, AvError> {
        let s = self.stream(i).ok_or(AvError { code: EINVAL, what: "decoder_for (stream)" })?;
        // SAFETY: codecpar of a live stream is valid.
        let id = unsafe { (*s.codecpar).codec_id };
        let codec = Codec::decoder_by_id(id).ok_or(AvError { code: EINVAL, what: "avcodec_find_decoder" })?;
        let mut ctx = CodecContext::new(codec)?;
        // SAFETY: both pointers are live; parameters are copied into the context.
        check(unsafe { sys::avcodec_parameters_to_context(ctx.as_mut_ptr_unopened(), s.codecpar) }, "avcodec_parameters_to_context")?;
        Ok(ctx)
    }

    /// The next packet (Eof at the end of the data).
    pub fn read(&mut self, pkt: &mut Packet) -> Result<Status, AvError> {
        pkt.unref();
        // SAFETY: opened context and a live packet.
        status(unsafe { sys::av_read_frame(self.ctx.as_ptr(), pkt.as_mut_ptr()) }, "av_read_frame")
    }
}

impl Drop for Demuxer {
    fn drop(&mut self) {
        let mut c = self.ctx.as_ptr();
        // SAFETY: we own the opened context; with CUSTOM_IO it leaves pb to us.
        unsafe { sys::avformat_close_input(&mut c) };
        free_io(self.avio, self.reader);
    }
}
