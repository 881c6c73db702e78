//! codecs layer: the process-wide parking place for VideoFrame pixels handed between threads
//! (worker_threads share this process, so the pixels need not be copied). Invariant: an entry
//! is one `Arc` reference, taken out at most once (`redeem`) or dropped at its deadline (`sweep`,
//! run on every deposit and redeem and by the depositing thread's timer); nothing else holds it.
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

static REGISTRY: Lazy<Mutex<HashMap<String, (Arc<FrameData>, Instant)>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn registry() -> std::sync::MutexGuard<'static, HashMap<String, (Arc<FrameData>, Instant)>> {
    // A panic while holding the lock cannot leave the map half-updated (single insert/remove calls).
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Park `frame` under `id` for `ttl`.
pub fn deposit(id: &str, frame: Arc<FrameData>, ttl: Duration) -> Result<()> {
    if id.is_empty() || id.len() > 128 {
        return Err(Error::type_error(format!("expected a frame id of 1 to 128 characters, got {} characters", id.len())));
    }
    let deadline = Instant::now() + ttl.min(MAX_TTL);
    let expired = {
        let mut map = registry();
        let expired = take_expired(&mut map);
        if map.contains_key(id) {
            return Err(Error::new(ErrorKind::Type, format!("frame id {id:?} is already in use")));
        }
        if map.len() >= MAX_ENTRIES {
            return Err(Error::new(ErrorKind::Range, format!("{MAX_ENTRIES} frames are already waiting to be redeemed")));
        }
        map.insert(id.to_owned(), (frame, deadline));
        expired
    };
    drop(expired); // freed outside the lock
    Ok(())
}

/// Take the frame parked under `id`, if it is there and not past its deadline.
pub fn redeem(id: &str) -> Option<Arc<FrameData>> {
    let (found, expired) = {
        let mut map = registry();
        let expired = take_expired(&mut map);
        (map.remove(id).map(|(f, _)| f), expired)
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

fn take_expired(map: &mut HashMap<String, (Arc<FrameData>, Instant)>) -> Vec<Arc<FrameData>> {
    let now = Instant::now();
    let ids: Vec<String> = map.iter().filter(|(_, (_, d))| *d <= now).map(|(k, _)| k.clone()).collect();
    ids.iter().filter_map(|k| map.remove(k)).map(|(f, _)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::frame_data::PlaneLayout;

    fn frame() -> Arc<FrameData> {
        Arc::new(FrameData::from_planes("RGBA", 1, 1, &[1, 2, 3, 4], &[PlaneLayout { offset: 0, stride: 4, row_bytes: 4, rows: 1 }]).unwrap())
    }

    #[test]
    fn redeemed_once_then_gone() {
        let f = frame();
        deposit("reg-test-a", f.clone(), Duration::from_secs(60)).unwrap();
        assert!(deposit("reg-test-a", f.clone(), Duration::from_secs(60)).is_err(), "ids are unique");
        assert_eq!(Arc::strong_count(&f), 2);
        let got = redeem("reg-test-a").unwrap();
        assert!(Arc::ptr_eq(&got, &f));
        assert!(redeem("reg-test-a").is_none());
        drop(got);
        assert_eq!(Arc::strong_count(&f), 1);
    }

    #[test]
    fn expired_entries_are_dropped() {
        let f = frame();
        deposit("reg-test-b", f.clone(), Duration::from_millis(0)).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        sweep();
        assert_eq!(Arc::strong_count(&f), 1, "freed at its deadline");
        assert!(redeem("reg-test-b").is_none());
        assert!(deposit("", f, Duration::from_secs(1)).is_err());
    }
}
