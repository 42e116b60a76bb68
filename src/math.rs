//! The float math methods that only `std` provides (`ln`, `exp`, `powi`…),
//! for the `no_std` wasm32 build.
//!
//! With `std`, these methods call the target's math library; on wasm32 that
//! is `compiler_builtins`' port of the `libm` crate, and the wasm instructions
//! for `sqrt`, `ceil`, `floor` and `trunc`. The trait below calls the same
//! `libm` functions (whose wasm32 build uses the same instructions) and
//! `powi` by the same repeated squaring as `compiler_builtins`' `__powidf2`,
//! so a `no_std` module computes exactly what the `std` build computed:
//! filter sizes, which the byte formats check, depend on it.

/// `f64` methods missing from `core`; see the module docs.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
pub trait F64Math {
    /// Natural logarithm.
    fn ln(self) -> f64;
    /// `ln(1 + self)`, accurate near 0.
    fn ln_1p(self) -> f64;
    /// `e^self`.
    fn exp(self) -> f64;
    /// `e^self - 1`, accurate near 0.
    fn exp_m1(self) -> f64;
    /// `self^n` by repeated squaring.
    fn powi(self, n: i32) -> f64;
    /// Square root.
    fn sqrt(self) -> f64;
    /// Smallest integer not below `self`.
    fn ceil(self) -> f64;
    /// Largest integer not above `self`.
    fn floor(self) -> f64;
    /// Nearest integer, ties away from zero.
    fn round(self) -> f64;
    /// The fractional part: `self - self.trunc()`.
    fn fract(self) -> f64;
}

/// `f32`'s `floor`, which `core` lacks.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
pub trait F32Math {
    /// Largest integer not above `self`.
    fn floor(self) -> f32;
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
impl F32Math for f32 {
    fn floor(self) -> f32 {
        libm::floorf(self)
    }
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
impl F64Math for f64 {
    fn ln(self) -> f64 {
        libm::log(self)
    }
    fn ln_1p(self) -> f64 {
        libm::log1p(self)
    }
    fn exp(self) -> f64 {
        libm::exp(self)
    }
    fn exp_m1(self) -> f64 {
        libm::expm1(self)
    }
    fn powi(self, n: i32) -> f64 {
        let mut base = self;
        let mut left = n.unsigned_abs();
        let mut acc = 1.0;
        loop {
            if left & 1 != 0 {
                acc *= base;
            }
            left >>= 1;
            if left == 0 {
                break;
            }
            base *= base;
        }
        if n < 0 {
            1.0 / acc
        } else {
            acc
        }
    }
    fn sqrt(self) -> f64 {
        libm::sqrt(self)
    }
    fn ceil(self) -> f64 {
        libm::ceil(self)
    }
    fn floor(self) -> f64 {
        libm::floor(self)
    }
    fn round(self) -> f64 {
        libm::round(self)
    }
    fn fract(self) -> f64 {
        self - libm::trunc(self)
    }
}
