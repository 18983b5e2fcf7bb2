//! A tile's split of its tokens by the agent that wrote them: Pi and Oh My
//! Pi are one provider whose model rows carry an `agent` dimension, and
//! any provider whose rows do gets the same line.

use openusage_core::Snapshot;

use crate::text::clean;

/// `pi 80%`, `omp 20%`: each agent's share of the tokens, largest first
/// (ties by name), when more than one agent has usage (Pi's `pi` and
/// `omp`, told apart by the `agent` dimension of the model rows).
pub(super) fn shares(s: &Snapshot) -> Option<Vec<String>> {
    let agents: Vec<_> = crate::analytics::agents(std::slice::from_ref(s))
        .into_iter()
        .filter(|a| a.tokens > 0)
        .collect();
    if agents.len() < 2 {
        return None;
    }
    let total = agents
        .iter()
        .fold(0u64, |sum, a| sum.saturating_add(a.tokens));
    let shares = agents
        .iter()
        .map(|a| format!("{} {}", clean(&a.name), whole_share(a.tokens, total)))
        .collect();
    Some(shares)
}

/// A non-zero part of `whole` as a whole percentage that never says
/// `0%` or `100%` of a split in two or more: `<1%` under one percent,
/// `>99%` over ninety-nine.
fn whole_share(part: u64, whole: u64) -> String {
    let p = part as f64 * 100.0 / whole.max(1) as f64;
    if p < 1.0 {
        "<1%".to_owned()
    } else if p >= 99.5 && part < whole {
        ">99%".to_owned()
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openusage_core::{ModelUsage, Status};

    fn snapshot(rows: &[(Option<&str>, u64)]) -> Snapshot {
        let now = chrono::DateTime::UNIX_EPOCH;
        let mut s = Snapshot::new("pi", "pi", now, Status::Ok, "");
        s.model_usage = rows
            .iter()
            .map(|&(agent, tokens)| {
                let mut row: ModelUsage = serde_json::from_value(serde_json::json!({
                    "raw_model_id": "m", "dimensions": {}, "input_tokens": tokens,
                    "output_tokens": 0, "cache_read_tokens": 0, "cache_write_tokens": 0,
                    "total_tokens": tokens, "requests": 1
                }))
                .unwrap();
                if let Some(agent) = agent {
                    row.dimensions.insert("agent".to_owned(), agent.to_owned());
                }
                row
            })
            .collect();
        s
    }

    #[test]
    fn shares_are_whole_percents_largest_first_and_ties_by_name() {
        // 800 of 1,000 and 200 of 1,000, over two rows of pi.
        let s = snapshot(&[(Some("omp"), 200), (Some("pi"), 500), (Some("pi"), 300)]);
        assert_eq!(shares(&s).unwrap(), ["pi 80%", "omp 20%"]);
        let tie = snapshot(&[(Some("pi"), 5), (Some("omp"), 5)]);
        assert_eq!(shares(&tie).unwrap(), ["omp 50%", "pi 50%"]);
        // 2 of 3 is 66.7%: rounded to 67%.
        let third = snapshot(&[(Some("pi"), 2), (Some("omp"), 1)]);
        assert_eq!(shares(&third).unwrap(), ["pi 67%", "omp 33%"]);
    }

    #[test]
    fn a_sliver_is_under_one_percent_and_never_leaves_the_rest_at_a_hundred() {
        // 9 of 1,000 is 0.9%: not rounded up to 1%; the rest, 99.1%, is 99%.
        let s = snapshot(&[(Some("pi"), 991), (Some("omp"), 9)]);
        assert_eq!(shares(&s).unwrap(), ["pi 99%", "omp <1%"]);
        // 1 of 1,000: the rest, 99.9%, would round to 100%.
        let s = snapshot(&[(Some("pi"), 999), (Some("omp"), 1)]);
        assert_eq!(shares(&s).unwrap(), ["pi >99%", "omp <1%"]);
    }

    #[test]
    fn one_agent_or_none_with_usage_gives_no_line() {
        assert_eq!(
            shares(&snapshot(&[(Some("pi"), 10), (Some("pi"), 5)])),
            None
        );
        assert_eq!(
            shares(&snapshot(&[(Some("pi"), 10), (Some("omp"), 0)])),
            None
        );
        // Rows without the dimension are the provider's own: one agent.
        assert_eq!(shares(&snapshot(&[(None, 10)])), None);
        let mixed = snapshot(&[(None, 30), (Some("omp"), 10)]);
        assert_eq!(shares(&mixed).unwrap(), ["pi 75%", "omp 25%"]);
    }
}
