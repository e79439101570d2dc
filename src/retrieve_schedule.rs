//! When a progress waiter retrieves its session: an adaptive interval under
//! a request budget (see the [`wait`](crate::wait) module docs).
//!
//! The interval starts at [`FIRST_RETRIEVE_INTERVAL`], doubles after each
//! retrieve that shows nothing new, up to [`MAX_RETRIEVE_INTERVAL`], and goes
//! back to the start when something changed. Independently of the interval,
//! retrieves stay within one per [`RETRIEVE_PERIOD`] on average, with a burst
//! of at most [`RETRIEVE_BURST`] (a virtual-scheduling token bucket), so a
//! session whose results change all the time is not retrieved every 2 s.

use std::time::Duration;

/// The first interval between retrieves, and the one after a change.
pub const FIRST_RETRIEVE_INTERVAL: Duration = Duration::from_secs(2);

/// The longest interval between retrieves while nothing changes.
pub const MAX_RETRIEVE_INTERVAL: Duration = Duration::from_secs(15);

/// Retrieves are at most one per this period on average.
pub const RETRIEVE_PERIOD: Duration = Duration::from_secs(10);

/// Retrieves that may come closer together than [`RETRIEVE_PERIOD`].
pub const RETRIEVE_BURST: u32 = 2;

/// The retrieve schedule, in the waiter clock's time.
#[derive(Clone, Debug)]
pub(crate) struct RetrieveSchedule {
    interval: Duration,
    last: Duration,
    /// The budget's theoretical arrival time: a retrieve may go out from
    /// `tat - (RETRIEVE_BURST - 1) * RETRIEVE_PERIOD` on.
    tat: Duration,
}

impl RetrieveSchedule {
    /// A schedule for a wait that started at `start`.
    pub(crate) fn new(start: Duration) -> Self {
        Self {
            interval: FIRST_RETRIEVE_INTERVAL,
            last: start,
            tat: start,
        }
    }

    /// When the next retrieve goes out; the caller sends it then, so the
    /// schedule counts it as sent.
    pub(crate) fn next(&mut self) -> Duration {
        let burst = RETRIEVE_PERIOD * RETRIEVE_BURST.saturating_sub(1);
        let at = (self.last + self.interval).max(self.tat.saturating_sub(burst));
        self.last = at;
        self.tat = self.tat.max(at) + RETRIEVE_PERIOD;
        at
    }

    /// What the last retrieve showed: `changed` resets the interval,
    /// otherwise it doubles up to [`MAX_RETRIEVE_INTERVAL`].
    pub(crate) fn seen(&mut self, changed: bool) {
        self.interval = if changed {
            FIRST_RETRIEVE_INTERVAL
        } else {
            (self.interval * 2).min(MAX_RETRIEVE_INTERVAL)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// The send times of the retrieves before `until`, each seeing `changed`.
    fn sends(until: Duration, changed: impl Fn(u32) -> bool) -> Vec<Duration> {
        let mut schedule = RetrieveSchedule::new(Duration::ZERO);
        let mut at = Vec::new();
        for n in 0.. {
            let next = schedule.next();
            if next >= until {
                break;
            }
            at.push(next);
            schedule.seen(changed(n));
        }
        at
    }

    #[test]
    fn backs_off_while_nothing_changes() {
        // The first look is new; then nothing changes.
        let at = sends(secs(120), |n| n == 0);
        assert_eq!(
            at,
            [2, 4, 12, 22, 37, 52, 67, 82, 97, 112].map(secs),
            "2 s, then doubling to 15 s, within the budget"
        );
    }

    #[test]
    fn a_change_resets_the_interval() {
        // Nothing new for a while, then a change at the 6th retrieve.
        let at = sends(secs(100), |n| n == 0 || n == 5);
        assert_eq!(at[5], secs(52));
        assert_eq!(at[6] - at[5], secs(2), "back to the short interval");
        assert_eq!(at[7], secs(62), "then held by the budget");
    }

    #[test]
    fn constant_change_stays_within_the_budget() {
        for minutes in [1, 2, 5, 30] {
            let until = secs(60 * minutes);
            let retrieves = sends(until, |_| true).len() as u64;
            // Long polls held 30 s each: 2 a minute, the first at 0.
            let long_polls = 2 * minutes;
            assert!(
                retrieves + long_polls <= 10 * minutes,
                "{retrieves} retrieves and {long_polls} long polls in {minutes} min"
            );
        }
        assert_eq!(sends(secs(60), |_| true).len(), 7);
    }
}
