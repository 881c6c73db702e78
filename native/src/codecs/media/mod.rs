//! Media storage: the native bytes behind VideoFrame and AudioData, their size checks and
//! conversions, and the registry that hands them to another thread.
pub mod audio_data;
pub mod buffer;
pub mod color;
pub mod color_space;
pub mod frame_data;
pub mod registry;
