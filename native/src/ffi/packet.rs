//! ffi layer: `Packet` owns an AVPacket (freed in Drop). Its bytes are borrowed, never leaked:
//! the bridge copies them once into a JS ArrayBuffer and the packet is unref'd right there.
use super::error::{check, AvError, ENOMEM};
use super::sys;
use crate::counters::{Kind, Live};
use std::ptr::NonNull;

pub struct Packet {
    ptr: NonNull<sys::AVPacket>,
    _live: Live,
}

// SAFETY: an AVPacket has no thread affinity; moved between threads, never shared.
unsafe impl Send for Packet {}

impl Packet {
    pub fn new() -> Result<Packet, AvError> {
        // SAFETY: no preconditions; null means out of memory.
        let p = unsafe { sys::av_packet_alloc() };
        NonNull::new(p)
            .map(|ptr| Packet { ptr, _live: Live::new(Kind::Packets) })
            .ok_or(AvError { code: ENOMEM, what: "av_packet_alloc" })
    }

    /// A packet holding a copy of `bytes` (with FFmpeg's zeroed input padding).
    pub fn from_bytes(bytes: &[u8]) -> Result<Packet, AvError> {
        let mut pkt = Packet::new()?;
        // SAFETY: pkt is a fresh packet; av_new_packet allocates size + padding bytes.
        check(unsafe { sys::av_new_packet(pkt.as_mut_ptr(), bytes.len() as i32) }, "av_new_packet")?;
        if !bytes.is_empty() {
            // SAFETY: data holds at least bytes.len() bytes (just allocated); regions don't overlap.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), (*pkt.as_mut_ptr()).data, bytes.len()) };
        }
        Ok(pkt)
    }

    pub fn as_ptr(&self) -> *const sys::AVPacket {
        self.ptr.as_ptr()
    }
    pub fn as_mut_ptr(&mut self) -> *mut sys::AVPacket {
        self.ptr.as_ptr()
    }
    fn raw(&self) -> &sys::AVPacket {
        // SAFETY: ptr is a live packet owned by self.
        unsafe { self.ptr.as_ref() }
    }
    fn raw_mut(&mut self) -> &mut sys::AVPacket {
        // SAFETY: as raw(); unique through &mut self.
        unsafe { self.ptr.as_mut() }
    }

    pub fn data(&self) -> &[u8] {
        let p = self.raw();
        if p.data.is_null() || p.size <= 0 {
            return &[];
        }
        // SAFETY: a packet's data points to at least `size` valid bytes while it holds a reference.
        unsafe { std::slice::from_raw_parts(p.data, p.size as usize) }
    }
    pub fn pts(&self) -> Option<i64> {
        let v = self.raw().pts;
        (v != sys::AV_NOPTS_VALUE).then_some(v)
    }
    pub fn dts(&self) -> Option<i64> {
        let v = self.raw().dts;
        (v != sys::AV_NOPTS_VALUE).then_some(v)
    }
    pub fn duration(&self) -> i64 {
        self.raw().duration
    }
    pub fn stream_index(&self) -> usize {
        self.raw().stream_index.max(0) as usize
    }
    pub fn is_key(&self) -> bool {
        self.raw().flags & sys::AV_PKT_FLAG_KEY != 0
    }
    /// Matroska BlockAdditional side data (libvpx's alpha plane bitstream), without its 8-byte
    /// big-endian BlockAddID prefix.
    pub fn block_additional(&self) -> Option<&[u8]> {
        let mut size: usize = 0;
        // SAFETY: live packet; the returned pointer (or null) points into the packet's side data, valid while self is borrowed.
        let p = unsafe { sys::av_packet_get_side_data(self.ptr.as_ptr(), sys::AVPacketSideDataType::AV_PKT_DATA_MATROSKA_BLOCKADDITIONAL, &mut size) };
        if p.is_null() || size <= 8 {
            return None;
        }
        // SAFETY: p holds `size` bytes owned by the packet.
        Some(unsafe { std::slice::from_raw_parts(p.add(8), size - 8) })
    }
    pub fn set_pts(&mut self, pts: Option<i64>) {
        let p = self.raw_mut();
        p.pts = pts.unwrap_or(sys::AV_NOPTS_VALUE);
        p.dts = p.pts;
    }
    /// Decoders: the decode timestamp (None = unknown; the decoder then orders by pts alone).
    pub fn set_dts(&mut self, dts: Option<i64>) {
        self.raw_mut().dts = dts.unwrap_or(sys::AV_NOPTS_VALUE);
    }
    pub fn set_duration(&mut self, d: i64) {
        self.raw_mut().duration = d;
    }
    pub fn set_key(&mut self, key: bool) {
        let p = self.raw_mut();
        if key {
            p.flags |= sys::AV_PKT_FLAG_KEY;
        } else {
            p.flags &= !sys::AV_PKT_FLAG_KEY;
        }
    }
    pub fn unref(&mut self) {
        // SAFETY: live packet; unref frees its data and resets fields.
        unsafe { sys::av_packet_unref(self.ptr.as_ptr()) }
    }
}

impl Drop for Packet {
    fn drop(&mut self) {
        let mut p = self.ptr.as_ptr();
        // SAFETY: we own the packet; av_packet_free unrefs and frees it.
        unsafe { sys::av_packet_free(&mut p) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bytes_round_trip_and_free() {
        let before = crate::counters::get(Kind::Packets);
        let mut p = Packet::from_bytes(&[1, 2, 3]).unwrap();
        p.set_pts(Some(42));
        p.set_key(true);
        assert_eq!(p.data(), &[1, 2, 3]);
        assert_eq!(p.pts(), Some(42));
        assert!(p.is_key());
        drop(p);
        assert_eq!(crate::counters::get(Kind::Packets), before);
    }
}
