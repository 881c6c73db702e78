//! Live-object counters (shared by every layer): each counted owner holds a `Live` token,
//! so a count is exactly the number of owners alive. Exposed to tests as `liveCounts()`.
use std::sync::atomic::{AtomicIsize, Ordering};

/// Declares the counters: one line each, `Variant => "name in liveCounts()"`. The enum, the
/// name table and the atomic counts all come from that one list. (js/index.d.ts `LiveCounts`
/// documents the names; test/types/exports-agree.test.js checks it against `liveCounts()`.)
macro_rules! counters {
    ($($kind:ident => $name:literal,)*) => {
        /// What a `Live` token counts.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)*
        }

        /// Every counter with its name in `liveCounts()`, in declaration order.
        pub const KINDS: [(Kind, &str); [$($name),*].len()] = [$((Kind::$kind, $name),)*];
    };
}

counters! {
    VideoFrames => "frames",
    AvFrames => "avFrames",
    Packets => "packets",
    CodecContexts => "codecContexts",
    Sessions => "sessions",
    SwsContexts => "swsContexts",
    AudioData => "audioData",
    SwrContexts => "swrContexts",
}

static COUNTS: [AtomicIsize; KINDS.len()] = [const { AtomicIsize::new(0) }; KINDS.len()];

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

    #[test]
    fn every_kind_indexes_its_own_slot() {
        for (i, (kind, _)) in KINDS.iter().enumerate() {
            assert_eq!(*kind as usize, i);
        }
        let names: std::collections::HashSet<_> = KINDS.iter().map(|(_, n)| *n).collect();
        assert_eq!(names.len(), KINDS.len(), "counter names are unique");
    }
}
