//! SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, well-mixed seeded generator. The same
//! seed gives the same stream on every platform, which is what an auditable 随机抽取 needs.
//! Not cryptographic: the seed is recorded and the draw is meant to be reproducible.

/// A seeded SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A stream derived from `seed` and a `stream` number (independent-looking sub-streams).
    pub fn derive(seed: u64, stream: u64) -> Self {
        let mut s = Self::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mixed = s.next_u64();
        Self::new(mixed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift (bias < n / 2^64).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An index drawn with probability proportional to `weights` (cumulative sums given).
    pub fn weighted(&mut self, cumulative: &[u64]) -> usize {
        let total = *cumulative.last().expect("non-empty weights");
        let x = self.below(total);
        cumulative.partition_point(|&c| c <= x)
    }
}

/// Cumulative sums of `weights`, for [`SplitMix64::weighted`].
pub fn cumulative(weights: &[u64]) -> Vec<u64> {
    let mut acc = 0u64;
    weights
        .iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}
