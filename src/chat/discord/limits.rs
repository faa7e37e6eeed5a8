//! Discord's rate limits, respected before a request is sent rather than learnt from a 429: the
//! global limit of 50 requests a second, and each route's bucket as Discord describes it in the
//! answers' `X-RateLimit-Bucket`, `-Limit`, `-Remaining` and `-Reset-After` headers. A bucket is
//! per major parameter (the channel, server or webhook in the path), so two channels never wait
//! for each other. Interaction callbacks count against neither (Discord exempts them).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// Discord's global limit for a bot: requests per second, across every route.
pub const GLOBAL_PER_SECOND: usize = 50;
/// Kept for the requests serenity makes itself (the gateway's address at each connection),
/// which do not pass through here.
const KEPT_FOR_SERENITY: usize = 2;
const SECOND: Duration = Duration::from_secs(1);
/// How often a caller looks again when every request of the window is still in flight.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(5);

/// What a route's bucket allows until it resets.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u32,
    limit: u32,
    reset_at: Instant,
    /// The longest reset seen: how long a window lasts once it has run out.
    period: Duration,
}

#[derive(Default)]
struct Buckets {
    /// Route (method and path with its ids but the major one blanked) → Discord's bucket hash.
    hash_of_route: HashMap<String, String>,
    /// Bucket (hash or route, and the major parameter) → what it allows.
    state: HashMap<String, Bucket>,
}

/// The requests of the last second, as Discord may count them: a request is counted from when it
/// is sent until a second after its answer came, because when Discord counted it lies somewhere in
/// between. So a burst that was slow to go out never runs into the next second's.
#[derive(Default)]
struct GlobalWindow {
    in_flight: usize,
    /// When the answers of the last second came.
    answered: VecDeque<Instant>,
}

#[derive(Default)]
pub struct RateLimits {
    global: Arc<Mutex<GlobalWindow>>,
    buckets: Mutex<Buckets>,
}

/// A request counted against the global limit: counted as answered when dropped.
pub struct Permit {
    global: Arc<Mutex<GlobalWindow>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut window = self.global.lock().unwrap_or_else(|e| e.into_inner());
        window.in_flight = window.in_flight.saturating_sub(1);
        window.answered.push_back(Instant::now());
    }
}

/// A request's route and major parameter, e.g. (`POST /channels/{major}/messages`, `123`);
/// `None` for interaction callbacks, which no limit of ours covers.
pub fn route_of(method: &Method, path: &str) -> Option<(String, String)> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first() == Some(&"interactions") {
        return None;
    }
    let mut major = String::new();
    let mut route = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let after = if i > 0 { segments[i - 1] } else { "" };
        let is_major = i == 1 && ["channels", "guilds", "webhooks"].contains(&after);
        if is_major {
            major = (*segment).to_owned();
            route.push("{major}");
        } else if i == 2 && segments[0] == "webhooks" {
            // A webhook's token is part of its major parameter.
            major.push('/');
            major.push_str(segment);
            route.push("{token}");
        } else if segment.bytes().all(|b| b.is_ascii_digit()) {
            route.push("{id}");
        } else {
            route.push(segment);
        }
    }
    Some((format!("{method} /{}", route.join("/")), major))
}

impl RateLimits {
    /// Waits until a request to `path` may be sent without breaking a limit, and counts it; the
    /// permit is held until its answer came.
    pub async fn acquire(&self, method: &Method, path: &str) -> Option<Permit> {
        let (route, major) = route_of(method, path)?;
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
                let key = bucket_key(&buckets, &route, &major);
                match buckets.state.get_mut(&key) {
                    None => None,
                    Some(bucket) => bucket.take(Instant::now()),
                }
            };
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => break,
            }
        }
        loop {
            let wait = {
                let mut window = self.global.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                while window.answered.front().is_some_and(|at| now.duration_since(*at) >= SECOND) {
                    window.answered.pop_front();
                }
                if window.in_flight + window.answered.len() < GLOBAL_PER_SECOND - KEPT_FOR_SERENITY {
                    window.in_flight += 1;
                    return Some(Permit { global: self.global.clone() });
                }
                // Full: wait for the oldest answer to leave the window, or for answers to come.
                window.answered.front().map_or(IN_FLIGHT_POLL, |oldest| (*oldest + SECOND) - now)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Learns a route's bucket from the headers of Discord's answer.
    pub fn learn(&self, method: &Method, path: &str, headers: &HeaderMap) {
        let Some((route, major)) = route_of(method, path) else { return };
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| header(name).and_then(|v| v.parse::<f64>().ok());
        let (Some(remaining), Some(reset_after)) =
            (number("x-ratelimit-remaining"), number("x-ratelimit-reset-after"))
        else {
            return;
        };
        let limit = number("x-ratelimit-limit").unwrap_or(remaining + 1.0);
        let reset_after = Duration::from_secs_f64(reset_after.clamp(0.0, 3600.0));
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hash) = header("x-ratelimit-bucket") {
            buckets.hash_of_route.insert(route.clone(), hash.to_owned());
        }
        let key = bucket_key(&buckets, &route, &major);
        let period = buckets.state.get(&key).map_or(reset_after, |b| b.period.max(reset_after));
        buckets.state.insert(
            key,
            Bucket {
                remaining: remaining as u32,
                limit: limit as u32,
                reset_at: Instant::now() + reset_after,
                period,
            },
        );
    }
}

fn bucket_key(buckets: &Buckets, route: &str, major: &str) -> String {
    let bucket = buckets.hash_of_route.get(route).map_or(route, String::as_str);
    format!("{bucket}:{major}")
}

impl Bucket {
    /// Counts one request if the bucket allows it now; else how long to wait.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        if now >= self.reset_at {
            // A new window: as much as the limit, for as long as the last window lasted.
            self.remaining = self.limit;
            self.reset_at = now + self.period;
        }
        if self.remaining == 0 {
            return Some(self.reset_at - now);
        }
        self.remaining -= 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn a_route_keeps_its_major_parameter_and_blanks_the_other_ids() {
        assert_eq!(
            route_of(&Method::POST, "/channels/123/messages"),
            Some(("POST /channels/{major}/messages".to_owned(), "123".to_owned()))
        );
        assert_eq!(
            route_of(&Method::PATCH, "/channels/123/messages/456"),
            Some(("PATCH /channels/{major}/messages/{id}".to_owned(), "123".to_owned()))
        );
        assert_eq!(
            route_of(&Method::PATCH, "/webhooks/9/tok/messages/@original"),
            Some(("PATCH /webhooks/{major}/{token}/messages/@original".to_owned(), "9/tok".to_owned()))
        );
        assert_eq!(route_of(&Method::POST, "/interactions/1/tok/callback"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_that_ran_out_waits_for_its_reset_and_other_channels_do_not() {
        let limits = RateLimits::default();
        let answer = headers(&[
            ("x-ratelimit-bucket", "abc"),
            ("x-ratelimit-limit", "5"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset-after", "5"),
        ]);
        limits.learn(&Method::POST, "/channels/1/messages", &answer);
        let started = Instant::now();
        limits.acquire(&Method::POST, "/channels/2/messages").await;
        assert_eq!(started.elapsed(), Duration::ZERO, "another channel is another bucket");
        limits.acquire(&Method::POST, "/channels/1/messages").await;
        assert_eq!(started.elapsed(), Duration::from_secs(5), "waited for the reset");
        // The new window allows the limit again, then waits a whole window.
        for _ in 0..4 {
            limits.acquire(&Method::POST, "/channels/1/messages").await;
        }
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        limits.acquire(&Method::POST, "/channels/1/messages").await;
        assert_eq!(started.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_than_fifty_requests_go_out_in_any_second() {
        let limits = RateLimits::default();
        let started = Instant::now();
        for n in 0..120u64 {
            drop(limits.acquire(&Method::POST, &format!("/channels/{n}/messages")).await);
        }
        // 48 at once (two kept for serenity's own), 48 a second later, the last 24 a second after.
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        assert_eq!(limits.global.lock().unwrap().answered.len(), 24);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_still_in_flight_counts_until_a_second_after_its_answer() {
        let limits = RateLimits::default();
        let started = Instant::now();
        let mut slow = Vec::new();
        for n in 0..48u64 {
            slow.push(limits.acquire(&Method::POST, &format!("/channels/{n}/messages")).await);
        }
        let answers = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(slow);
        };
        let next = limits.acquire(&Method::POST, "/channels/99/messages");
        let (_, permit) = tokio::join!(answers, next);
        assert!(permit.is_some());
        assert!(started.elapsed() >= Duration::from_millis(1300), "{:?}", started.elapsed());
    }
}
