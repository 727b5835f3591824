//! API throttling: AWS's token buckets for `StartExecution`.

/// A token bucket, as AWS throttles API actions: `bucket_size` tokens at most, `refill_rate` new
/// tokens per second, one token per call.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    /// The most tokens the bucket holds.
    pub bucket_size: f64,
    /// New tokens per second.
    pub refill_rate: f64,
    tokens: f64,
    last: Option<i64>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(bucket_size: f64, refill_rate: f64) -> TokenBucket {
        TokenBucket { bucket_size, refill_rate, tokens: bucket_size, last: None }
    }

    /// Takes a token at time `now`; false when the bucket is empty.
    pub fn take(&mut self, now: i64) -> bool {
        if let Some(last) = self.last {
            let elapsed = (now - last).max(0) as f64 / 1000.0;
            self.tokens = (self.tokens + elapsed * self.refill_rate).min(self.bucket_size);
        }
        self.last = Some(self.last.map_or(now, |l| l.max(now)));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The account's API quotas that the simulator applies: the `StartExecution` token buckets.
#[derive(Debug, Clone, PartialEq)]
pub struct Quotas {
    /// `StartExecution` of Standard machines.
    pub start_execution_standard: TokenBucket,
    /// `StartExecution` of Express machines.
    pub start_execution_express: TokenBucket,
}

impl Quotas {
    /// AWS's default buckets for a region. AWS, "Quotas related to API action throttling"
    /// (developer guide, `limits-overview.md`): StartExecution, Standard: bucket 1,300 and 300 per
    /// second in us-east-1, us-west-2 and eu-west-1, 800 and 150 elsewhere; Express: 6,000 and
    /// 6,000 everywhere. `StartSyncExecution` does not count against them.
    pub fn aws_defaults(region: &str) -> Quotas {
        let standard = match region {
            "us-east-1" | "us-west-2" | "eu-west-1" => TokenBucket::new(1300.0, 300.0),
            _ => TokenBucket::new(800.0, 150.0),
        };
        Quotas { start_execution_standard: standard, start_execution_express: TokenBucket::new(6000.0, 6000.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_buckets_refill_per_second() {
        let mut b = TokenBucket::new(2.0, 1.0);
        assert!(b.take(0));
        assert!(b.take(0));
        assert!(!b.take(500));
        assert!(b.take(1000));
        assert!(!b.take(1000));
        assert!(b.take(60_000));
        assert!(b.take(60_000));
        assert!(!b.take(60_000), "the bucket holds at most its size");
    }
}
