//! `rand` without randomness: the API jsonata-core uses (`rng()` and `seq::SliceRandom::shuffle`),
//! over a fixed-seed generator. asl-sim never lets jsonata-core's `$shuffle` run (its own reads the
//! execution's seeded source), so nothing here is reached; if it were, it would still not read the
//! host's random source, which a sans-IO simulator must never do.
#![forbid(unsafe_code)]

/// A source of random numbers.
pub trait Rng {
    /// The next 64 bits.
    fn next_u64(&mut self) -> u64;
}

/// The generator [`rng`] gives: SplitMix64 from a fixed seed.
#[derive(Debug, Clone)]
pub struct ThreadRng(u64);

impl Rng for ThreadRng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A generator with a fixed seed (rand's reads the host's source).
pub fn rng() -> ThreadRng {
    ThreadRng(0)
}

/// Sequences.
pub mod seq {
    use crate::Rng;

    /// Shuffling a slice in place.
    pub trait SliceRandom {
        /// Fisher-Yates.
        fn shuffle<R: Rng + ?Sized>(&mut self, rng: &mut R);
    }

    impl<T> SliceRandom for [T] {
        fn shuffle<R: Rng + ?Sized>(&mut self, rng: &mut R) {
            for i in (1..self.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                self.swap(i, j);
            }
        }
    }
}
