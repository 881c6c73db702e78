//! codecs layer (pure): say what is wrong with a chunk a video decoder refused, from its bytes and
//! the config — a whole container file given as one chunk, or H.264/HEVC framing that does not
//! match `description` (length-prefixed avcC/hvcC framing vs Annex B). Invariant: only reads the
//! bytes; returns a sentence naming the fix, or None when the bytes show nothing recognisable.
use crate::codecs::tables::codec_string::{parse_video, VideoCodec};
use crate::error::{Error, ErrorKind};

/// What a VideoDecoder configuration expects of its chunks, and the first mistake seen in one.
/// FFmpeg may report a bad chunk only a few chunks later (frame threads) or at flush, so each chunk
/// is looked at when it is pushed and the finding is added to whichever failure follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChunkCheck {
    /// H.264 (`true`) or HEVC: the codecs whose framing `description` decides.
    nal_codec: Option<bool>,
    has_description: bool,
    /// The first finding since configure(): bounded to one sentence.
    suspect: Option<String>,
}

impl ChunkCheck {
    pub fn new(codec: &str, description: Option<&[u8]>) -> Self {
        let nal_codec = match parse_video(codec) {
            Ok(VideoCodec::Avc { .. }) => Some(true),
            Ok(VideoCodec::Hevc { .. }) => Some(false),
            _ => None,
        };
        ChunkCheck { nal_codec, has_description: description.is_some(), suspect: None }
    }

    /// Look at a chunk before it goes to the decoder (cheap unless its bytes look wrong).
    pub fn note(&mut self, data: &[u8]) {
        if self.suspect.is_none() {
            self.suspect = explain(self, data);
        }
    }

    /// A decoding failure, with the mistake seen in a chunk (if any) named first and FFmpeg's
    /// own words after it.
    pub fn explain(&self, e: Error) -> Error {
        match &self.suspect {
            Some(hint) if e.kind == ErrorKind::Encoding => Error::new(e.kind, format!("VideoDecoder.decode: {hint} ({})", e.message)),
            _ => e,
        }
    }
}

/// A container's signature at the start of the bytes.
fn container(data: &[u8]) -> Option<&'static str> {
    let box_type = data.get(4..8);
    if matches!(box_type, Some(b"ftyp" | b"styp" | b"moov" | b"moof" | b"mdat" | b"free" | b"wide")) {
        return Some("an MP4/MOV file (ISO BMFF boxes)");
    }
    if data.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some("a WebM/Matroska file");
    }
    if data.starts_with(b"DKIF") {
        return Some("an IVF file");
    }
    if data.starts_with(b"FLV") {
        return Some("an FLV file");
    }
    if data.len() >= 376 && data[0] == 0x47 && data[188] == 0x47 {
        return Some("an MPEG-TS stream");
    }
    None
}

fn starts_with_start_code(data: &[u8]) -> bool {
    data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1])
}

/// The bytes are a sequence of 4-byte big-endian lengths, each followed by that many bytes.
fn length_prefixed(data: &[u8]) -> bool {
    let mut at = 0usize;
    let mut nals = 0;
    while at < data.len() {
        let Some(len) = data.get(at..at + 4) else { return false };
        let n = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if n == 0 {
            return false;
        }
        at = match at.checked_add(4).and_then(|a| a.checked_add(n)) {
            Some(a) if a <= data.len() => a,
            _ => return false,
        };
        nals += 1;
    }
    nals > 0
}

/// A sentence naming the fix for a chunk the decoder refused, or None.
fn explain(expect: &ChunkCheck, data: &[u8]) -> Option<String> {
    if let Some(what) = container(data) {
        return Some(format!(
            "the chunk is {what}, not one encoded frame: a VideoDecoder takes one frame per EncodedVideoChunk, \
             so demux the file first (e.g. with mediabunny or mp4box.js) and pass each sample as a chunk, \
             with the track's codec box (avcC/hvcC/vpcC/av1C) as the config's description"
        ));
    }
    let avc = expect.nal_codec?;
    let (name, record) = if avc { ("H.264", "avcC") } else { ("HEVC", "hvcC") };
    // The first bytes as hex, for the two messages that quote them: formatted only when one is
    // written (note() runs this for every chunk of a healthy stream).
    let head = || data.iter().take(4).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ");
    if !expect.has_description && !starts_with_start_code(data) {
        return Some(if length_prefixed(data) {
            format!(
                "the chunk is length-prefixed ({record} framing, as stored in MP4) but the config has no description: \
                 pass the {record} record as description (the encoder's decoderConfig.description, or the MP4 track's {record} box), \
                 or convert the chunks to Annex B (each NAL unit after a 00 00 00 01 start code)"
            )
        } else {
            format!("without a description, {name} chunks must be Annex B (starting with a 00 00 00 01 start code), but this one starts with {}", head())
        });
    }
    if expect.has_description && starts_with_start_code(data) && !length_prefixed(data) {
        return Some(format!(
            "the config has a description ({record}: length-prefixed chunks) but the chunk is Annex B (starts with {}): \
             configure without description for Annex B chunks, or convert each start code to a 4-byte length",
            head()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_named() {
        let mp4 = [&[0, 0, 0, 0x20][..], b"ftypisom", &[0; 20]].concat();
        let m = explain(&ChunkCheck::new("avc1.42001E", None), &mp4).unwrap();
        assert!(m.contains("MP4") && m.contains("demux"), "{m}");
        assert!(explain(&ChunkCheck::new("vp8", None), &[0x1A, 0x45, 0xDF, 0xA3, 1, 2]).unwrap().contains("WebM"));
        assert!(explain(&ChunkCheck::new("vp09.00.10.08", None), b"DKIF\0\0 \0").unwrap().contains("IVF"));
    }

    #[test]
    fn h264_framing_against_description() {
        let avcc = [0, 0, 0, 3, 0x65, 1, 2, 0, 0, 0, 2, 0x41, 9];
        let annexb = [0, 0, 0, 1, 0x65, 1, 2, 0, 0, 1, 0x41, 9];
        let m = explain(&ChunkCheck::new("avc1.42001E", None), &avcc).unwrap();
        assert!(m.contains("no description") && m.contains("avcC") && m.contains("Annex B"), "{m}");
        let m = explain(&ChunkCheck::new("hvc1.1.6.L93.B0", None), &avcc).unwrap();
        assert!(m.contains("hvcC"), "{m}");
        let m = explain(&ChunkCheck::new("avc1.42001E", Some(&[1, 0x42])), &annexb).unwrap();
        assert!(m.contains("configure without description"), "{m}");
        let m = explain(&ChunkCheck::new("avc1.42001E", None), &[9, 9, 9, 9, 9]).unwrap();
        assert!(m.contains("09 09 09 09"), "{m}");
        // Nothing to say: the framing fits the config, or the codec has no framing choice.
        assert_eq!(explain(&ChunkCheck::new("avc1.42001E", None), &annexb), None);
        assert_eq!(explain(&ChunkCheck::new("avc1.42001E", Some(&[1])), &avcc), None);
        assert_eq!(explain(&ChunkCheck::new("vp8", None), &avcc), None);
    }

    #[test]
    fn the_first_finding_is_added_to_a_later_failure() {
        let mut c = ChunkCheck::new("avc1.42001E", None);
        let ffmpeg = || Error::encoding("avcodec_send_packet failed: Invalid data found when processing input (AVERROR -1094995529)");
        assert_eq!(c.explain(ffmpeg()), ffmpeg(), "nothing noted: FFmpeg's words alone");
        c.note(&[0, 0, 0, 1, 0x65, 1]); // Annex B: fine without description
        assert_eq!(c.explain(ffmpeg()), ffmpeg());
        c.note(&[0, 0, 0, 2, 0x65, 1]);
        let e = c.explain(ffmpeg());
        assert_eq!(e.kind, ErrorKind::Encoding);
        assert!(e.message.starts_with("VideoDecoder.decode: the chunk is length-prefixed") && e.message.ends_with("(AVERROR -1094995529))"), "{}", e.message);
        // Other kinds of error are not about the bytes.
        let state = Error::new(ErrorKind::InvalidState, "x");
        assert_eq!(c.explain(state.clone()), state);
    }
}
