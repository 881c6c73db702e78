//! Live-object counters (shared by every layer): each counted owner holds a `Live` token,
//! so a count is exactly the number of owners alive. Exposed to tests as `liveCounts()`.
use std::sync::atomic::{AtomicIsize, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    VideoFrames = 0,
    AvFrames = 1,
    Packets = 2,
    CodecContexts = 3,
    Sessions = 4,
    SwsContexts = 5,
    AudioData = 6,
    SwrContexts = 7,
}

pub const KINDS: [(Kind, &str); 8] = [
    (Kind::VideoFrames, "frames"),
    (Kind::AvFrames, "avFrames"),
    (Kind::Packets, "packets"),
    (Kind::CodecContexts, "codecContexts"),
    (Kind::Sessions, "sessions"),
    (Kind::SwsContexts, "swsContexts"),
    (Kind::AudioData, "audioData"),
    (Kind::SwrContexts, "swrContexts"),
];

static COUNTS: [AtomicIsize; 8] = [
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
    AtomicIsize::new(0),
];

/// A token that counts one live object of `Kind` for as long as it exists.
#[derive(Debug)]
pub struct Live(Kind);

impl Live {
    pub fn new(kind: Kind) -> Self {
        COUNTS[kind as usize].fetch_add(1, Ordering::Relaxed);
        Live(kind)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        COUNTS[self.0 as usize].fetch_sub(1, Ordering::Relaxed);
    }
}

pub fn get(kind: Kind) -> isize {
    COUNTS[kind as usize].load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn live_token_counts_up_and_down() {
        let before = get(Kind::SwsContexts);
        let a = Live::new(Kind::SwsContexts);
        assert_eq!(get(Kind::SwsContexts), before + 1);
        drop(a);
        assert_eq!(get(Kind::SwsContexts), before);
    }
}
