//! codecs layer: the process-wide parking place for VideoFrame pixels and AudioData samples handed
//! between threads (worker_threads share this process, so the media need not be copied). One
//! mechanism for both kinds. Invariant: an entry is one `Arc` reference, taken out at most once
//! (`redeem`, by a caller asking for that kind) or dropped at its deadline (`sweep`, run on every
//! deposit and redeem and by the depositing thread's timer); nothing else holds it.
use super::audio_data::AudioSamples;
use super::frame_data::FrameData;
use crate::error::{Error, ErrorKind, Result};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most deposits at once: a bound so a sender that never lets anyone redeem cannot grow it forever.
pub const MAX_ENTRIES: usize = 4096;
/// Longest time a deposit may wait.
pub const MAX_TTL: Duration = Duration::from_secs(3600);

/// One parked reference: the resource of a VideoFrame or of an AudioData.
#[derive(Clone)]
pub enum Media {
    Video(Arc<FrameData>),
    Audio(Arc<AudioSamples>),
}

/// Which interface a deposit belongs to: a redeem names the kind it expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Video,
    Audio,
}

impl Media {
    pub fn kind(&self) -> MediaKind {
        match self {
            Media::Video(_) => MediaKind::Video,
            Media::Audio(_) => MediaKind::Audio,
        }
    }
}

type Map = HashMap<String, (Media, Instant)>;

static REGISTRY: Lazy<Mutex<Map>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn registry() -> std::sync::MutexGuard<'static, Map> {
    // A panic while holding the lock cannot leave the map half-updated (single insert/remove calls).
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Park `media` under `id` for `ttl`.
pub fn deposit(id: &str, media: Media, ttl: Duration) -> Result<()> {
    if id.is_empty() || id.len() > 128 {
        return Err(Error::type_error(format!("expected an id of 1 to 128 characters, got {} characters", id.len())));
    }
    let deadline = Instant::now() + ttl.min(MAX_TTL);
    let expired = {
        let mut map = registry();
        let expired = take_expired(&mut map);
        if map.contains_key(id) {
            return Err(Error::new(ErrorKind::Type, format!("id {id:?} is already in use")));
        }
        if map.len() >= MAX_ENTRIES {
            return Err(Error::new(ErrorKind::Range, format!("{MAX_ENTRIES} frames or audio data are already waiting to be redeemed")));
        }
        map.insert(id.to_owned(), (media, deadline));
        expired
    };
    drop(expired); // freed outside the lock
    Ok(())
}

/// Take what is parked under `id`, if it is there, of `kind`, and not past its deadline. An entry
/// of another kind stays where it is (a forged token cannot steal or mistype it).
pub fn redeem(id: &str, kind: MediaKind) -> Option<Media> {
    let (found, expired) = {
        let mut map = registry();
        let expired = take_expired(&mut map);
        let found = match map.get(id) {
            Some((m, _)) if m.kind() == kind => map.remove(id).map(|(m, _)| m),
            _ => None,
        };
        (found, expired)
    };
    drop(expired);
    found
}

/// Drop every entry past its deadline; returns how many remain.
pub fn sweep() -> usize {
    let (left, expired) = {
        let mut map = registry();
        let expired = take_expired(&mut map);
        (map.len(), expired)
    };
    drop(expired);
    left
}

fn take_expired(map: &mut Map) -> Vec<Media> {
    let now = Instant::now();
    let ids: Vec<String> = map.iter().filter(|(_, (_, d))| *d <= now).map(|(k, _)| k.clone()).collect();
    ids.iter().filter_map(|k| map.remove(k)).map(|(m, _)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::media::audio_data::SampleFormat;
    use crate::codecs::media::frame_data::PlaneLayout;

    fn frame() -> Arc<FrameData> {
        Arc::new(FrameData::from_planes("RGBA", 1, 1, &[1, 2, 3, 4], &[PlaneLayout { offset: 0, stride: 4, row_bytes: 4, rows: 1 }]).unwrap())
    }

    fn audio() -> Arc<AudioSamples> {
        Arc::new(AudioSamples::from_bytes(SampleFormat::by_name("u8").unwrap(), 8000.0, 1, 4, &[1, 2, 3, 4]).unwrap())
    }

    #[test]
    fn redeemed_once_then_gone() {
        let f = frame();
        deposit("reg-test-a", Media::Video(f.clone()), Duration::from_secs(60)).unwrap();
        assert!(deposit("reg-test-a", Media::Video(f.clone()), Duration::from_secs(60)).is_err(), "ids are unique");
        assert_eq!(Arc::strong_count(&f), 2);
        let Some(Media::Video(got)) = redeem("reg-test-a", MediaKind::Video) else { panic!("expected the frame") };
        assert!(Arc::ptr_eq(&got, &f));
        assert!(redeem("reg-test-a", MediaKind::Video).is_none());
        drop(got);
        assert_eq!(Arc::strong_count(&f), 1);
    }

    #[test]
    fn audio_is_parked_the_same_way_and_kinds_do_not_mix() {
        let a = audio();
        deposit("reg-test-c", Media::Audio(a.clone()), Duration::from_secs(60)).unwrap();
        assert!(redeem("reg-test-c", MediaKind::Video).is_none(), "an audio deposit is not a frame");
        assert_eq!(Arc::strong_count(&a), 2, "and stays parked");
        let Some(Media::Audio(got)) = redeem("reg-test-c", MediaKind::Audio) else { panic!("expected the samples") };
        assert!(Arc::ptr_eq(&got, &a));
        drop(got);
        assert_eq!(Arc::strong_count(&a), 1);
    }

    #[test]
    fn expired_entries_are_dropped() {
        let f = frame();
        let a = audio();
        deposit("reg-test-b", Media::Video(f.clone()), Duration::from_millis(0)).unwrap();
        deposit("reg-test-d", Media::Audio(a.clone()), Duration::from_millis(0)).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        sweep();
        assert_eq!(Arc::strong_count(&f), 1, "freed at its deadline");
        assert_eq!(Arc::strong_count(&a), 1, "freed at its deadline");
        assert!(redeem("reg-test-b", MediaKind::Video).is_none());
        assert!(deposit("", Media::Video(f), Duration::from_secs(1)).is_err());
    }
}
