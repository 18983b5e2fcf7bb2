//! The generator behind `corpus-gen`, as a library: [`generate`] writes a
//! synthetic, deterministic Pi + Oh My Pi home as [`Config`] asks and
//! returns the [`Stats`] a correct tracker must report for it. The binary
//! is a command line over it; the end-to-end tests call it directly.

mod catalog;
mod corpus;
mod entries;
mod fork;
mod ids;
mod json;
mod layout;
mod lines;
mod mix;
mod rng;
mod session;
mod sink;
mod stats;
#[cfg(test)]
mod tests;
mod text;
mod time;
mod usage;

pub use corpus::{Config, generate};
pub use stats::Stats;
