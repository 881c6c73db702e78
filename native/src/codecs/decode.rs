//! codecs layer: the one push/flush core of the VideoDecoder and AudioDecoder backends — a chunk
//! into a packet (with the size checks), sending it while taking outputs out, and draining at
//! flush. Each decoder supplies only what a received frame becomes (`Draining::take`).
use crate::error::{Error, Result};
use crate::ffi::codec::{CodecContext, Opened};
use crate::ffi::{sys, Frame, Packet, Status};

/// A decoder backend's open state, as the shared send/receive loops need it.
pub(crate) trait Draining<O> {
    fn codec(&mut self) -> &mut CodecContext<Opened>;
    /// The AVFrame reused between receives (None until the first).
    fn spare(&mut self) -> &mut Option<Frame>;
    /// Turn one received frame into outputs (or hand it back to `spare()` when it makes none).
    fn take(&mut self, frame: Frame, out: &mut Vec<O>) -> Result<()>;

    /// Receive every output the decoder has ready; returns Again or Eof.
    fn receive_all(&mut self, out: &mut Vec<O>) -> Result<Status> {
        loop {
            let mut frame = match self.spare().take() {
                Some(f) => f,
                None => Frame::new()?,
            };
            match self.codec().receive_frame(&mut frame)? {
                Status::Ready => self.take(frame, out)?,
                s => {
                    *self.spare() = Some(frame);
                    return Ok(s);
                }
            }
        }
    }

    /// flush(): signal end of stream, output everything, then accept input again.
    fn drain(&mut self, out: &mut Vec<O>, what: &str) -> Result<()> {
        match self.codec().send_packet(None)? {
            Status::Ready | Status::Eof => {}
            Status::Again => return Err(Error::encoding(format!("{what}: the decoder refused to drain"))),
        }
        while self.receive_all(out)? != Status::Eof {}
        self.codec().flush_buffers();
        Ok(())
    }
}

/// A chunk's bytes as a packet: an empty chunk, or one larger than FFmpeg accepts, is an
/// EncodingError. `what` names the interface.
pub(crate) fn chunk_packet(data: &[u8], what: &str) -> Result<Packet> {
    if data.is_empty() {
        return Err(Error::encoding(format!("{what}: the chunk is empty (expected encoded bytes)")));
    }
    if data.len() > (i32::MAX as usize) - sys::AV_INPUT_BUFFER_PADDING_SIZE as usize {
        return Err(Error::encoding(format!("{what}: a chunk of {} bytes is larger than FFmpeg accepts", data.len())));
    }
    Ok(Packet::from_bytes(data)?)
}

/// Send one packet, taking outputs out while the decoder is full (FFmpeg then promises output;
/// if none comes, stop with an EncodingError rather than spin). `what` names the interface.
pub(crate) fn send_draining<O>(a: &mut impl Draining<O>, pkt: &Packet, out: &mut Vec<O>, what: &str) -> Result<()> {
    loop {
        match a.codec().send_packet(Some(pkt))? {
            Status::Ready => return Ok(()),
            Status::Again => {
                let before = out.len();
                if a.receive_all(out)? == Status::Eof || out.len() == before {
                    return Err(Error::encoding(format!("{what}: the decoder neither took the chunk nor produced output")));
                }
            }
            Status::Eof => return Err(Error::encoding(format!("{what}: the decoder is drained and refused the chunk"))),
        }
    }
}
