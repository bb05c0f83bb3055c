//! Synchronising a local folder with a remote one: the plan (pure: two trees in, actions out),
//! the exclusion rules, and the walks and the run that carry a plan out.

pub mod exclude;
pub mod plan;
#[cfg(test)]
mod plan_tests;
pub mod run;
pub mod walk;
