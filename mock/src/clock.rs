//! The mock's clock: simulated time runs `speed` times faster than real
//! time, measured from the instant a session started.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

/// Simulated milliseconds since `origin` at real instant `now`; sessions
/// without an origin (preloaded history) are infinitely old.
pub(crate) fn sim_ms(origin: Option<Instant>, now: Instant, speed: f64) -> u64 {
    let Some(origin) = origin else {
        return u64::MAX;
    };
    let ms = now.saturating_duration_since(origin).as_secs_f64() * 1000.0 * speed;
    if ms.is_finite() && ms < u64::MAX as f64 {
        // Non-negative and in range here.
        ms.floor() as u64
    } else {
        u64::MAX
    }
}

/// The real instant at which simulated time `ms` is reached (a millisecond
/// late, so that `sim_ms` has certainly passed `ms` by then).
pub(crate) fn real_instant(origin: Instant, ms: u64, speed: f64) -> Instant {
    let far = Duration::from_secs(365 * 24 * 3600);
    let real = Duration::try_from_secs_f64(ms as f64 / 1000.0 / speed).unwrap_or(far);
    origin
        .checked_add(real.min(far) + Duration::from_millis(1))
        .unwrap_or(origin + far)
}

/// The wall-clock time `ms` simulated milliseconds after `start`.
pub(crate) fn wall_at(start: DateTime<Utc>, ms: u64) -> DateTime<Utc> {
    i64::try_from(ms)
        .ok()
        .and_then(TimeDelta::try_milliseconds)
        .and_then(|d| start.checked_add_signed(d))
        .unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_scales_time() {
        let origin = Instant::now();
        let later = origin + Duration::from_millis(20);
        assert_eq!(sim_ms(Some(origin), later, 100.0), 2000);
        assert_eq!(sim_ms(None, later, 1.0), u64::MAX);
        let at = real_instant(origin, 2000, 100.0);
        assert_eq!(at - origin, Duration::from_millis(21));
        assert!(sim_ms(Some(origin), at, 100.0) >= 2000);
        // Absurd speeds do not panic.
        let _ = real_instant(origin, u64::MAX, 1e-300);
        let start = Utc::now();
        assert_eq!(wall_at(start, 1500) - start, TimeDelta::milliseconds(1500));
        assert_eq!(wall_at(start, u64::MAX), start);
    }
}
