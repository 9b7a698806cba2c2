// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Alarm decisions: the probability threshold that minimises expected cost, and the filter
/// that turns a stream of per-reading scores into an alarm that does not flicker.
///
/// The threshold is chosen on cross-validated (out-of-fold) probabilities, never on the rows a
/// model was fitted on: a forest is near-certain on its own training rows, and a threshold
/// tuned there would be far too low for new data. Store it in the pipeline
/// (Pipeline::set_decision_threshold) so predict and the saved artifact use it.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/metrics/detail/checks.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace prognos {

/// The cost-minimising threshold and what it costs on the data it was chosen on.
struct CostThreshold {
    double threshold = 0.5;     ///< alarm when score >= threshold
    double expected_cost = 0.0; ///< mean cost per row at that threshold
    Index missed = 0;           ///< failures without alarm (false negatives)
    Index false_alarms = 0;     ///< alarms without failure (false positives)
};

/**
 * The threshold t on `score` (alarm when score >= t) that minimises
 * cost_missed * FN + cost_false_alarm * FP over the rows of y_true.
 *
 * Every distinct score is a candidate, plus "never alarm" (+infinity). Ties in cost go to the
 * highest threshold, the one that raises fewest alarms. Only the ratio of the costs matters;
 * with equal costs the result maximises accuracy. The returned threshold is placed midway
 * between the chosen score and the next lower one, so scores of new data that fall between two
 * training scores are not decided by which side of a knife edge they land on.
 *
 * @param y_true 0/1 labels, 1 = failure
 * @param score failure scores (probability of class 1), higher = more likely to fail
 * @throws invalid_argument for mismatched sizes, labels other than 0/1 or non-positive costs;
 *         bad_value for a non-finite score
 */
inline CostThreshold cost_optimal_threshold(const IntVector& y_true,
                                            const Vector& score,
                                            double cost_missed,
                                            double cost_false_alarm) {
    const char* who = "cost_optimal_threshold";
    detail::check_metric_sizes(y_true.size(), score.size(), who, "score");
    detail::check_metric_finite(score, who, "score");
    if (!(cost_missed > 0.0) || !(cost_false_alarm > 0.0) || std::isinf(cost_missed) ||
        std::isinf(cost_false_alarm)) {
        PROGNOS_THROW(invalid_argument(std::string(who) +
                                       ": costs must be positive and finite, got cost_missed = " +
                                       std::to_string(cost_missed) +
                                       ", cost_false_alarm = " + std::to_string(cost_false_alarm)));
    }
    const Index n = y_true.size();
    Index positives = 0;
    for (Index i = 0; i < n; ++i) {
        if (y_true[i] != 0 && y_true[i] != 1) {
            PROGNOS_THROW(invalid_argument(std::string(who) + ": y_true[" + std::to_string(i) +
                                           "] is " + std::to_string(y_true[i]) +
                                           "; labels must be 0 or 1"));
        }
        positives += y_true[i];
    }
    std::vector<Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Index{0});
    std::sort(order.begin(), order.end(), [&](Index a, Index b) { return score[a] > score[b]; });

    // Lower the threshold one distinct score at a time, moving the rows at that score to the
    // alarm side; start from "never alarm".
    CostThreshold best;
    best.threshold = std::numeric_limits<double>::infinity();
    best.missed = positives;
    best.false_alarms = 0;
    double best_cost = cost_missed * static_cast<double>(positives);
    Index tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size();) {
        const double s = score[order[i]];
        while (i < order.size() && score[order[i]] == s) {
            (y_true[order[i]] == 1 ? tp : fp) += 1;
            ++i;
        }
        const double cost = cost_missed * static_cast<double>(positives - tp) +
                            cost_false_alarm * static_cast<double>(fp);
        if (cost < best_cost) {
            best_cost = cost;
            const double next = i < order.size() ? score[order[i]] : s - 1.0;
            best.threshold = i < order.size() ? 0.5 * (s + next) : s;
            best.missed = positives - tp;
            best.false_alarms = fp;
        }
    }
    best.expected_cost = best_cost / static_cast<double>(n);
    return best;
}

/**
 * Alarm over a stream of scores with k-of-n voting and hysteresis.
 *
 * The alarm is raised when at least `k` of the last `n` scores reach `on_threshold`, and
 * cleared only when at least `n - clear_k` of the last `n` scores are below `off_threshold`
 * (with no missing scores: when at most `clear_k` of them reach it). Voting ignores a single
 * noisy reading; the lower off threshold and count keep an alarm from toggling while a score
 * hovers around the on threshold. Memory: the last n scores.
 *
 * A NaN score (a sensor dropout, a model that could not score) takes a place among the last n
 * but votes neither to raise nor to clear: an active alarm stays on and an inactive one stays
 * off until enough real scores say otherwise. A dropout must never silently clear an alarm, so
 * an alarm whose last n scores are all NaN holds.
 */
class AlarmFilter {
public:
    struct Params {
        int k = 3;                  ///< votes needed to raise, 1 <= k <= n
        int n = 5;                  ///< readings voted over
        double on_threshold = 0.5;  ///< a reading votes to raise at score >= this
        double off_threshold = 0.5; ///< a reading keeps an alarm at score >= this (<= on)
        int clear_k = 0;            ///< alarm clears when votes to keep fall to this (< k)
    };

    AlarmFilter()
        : AlarmFilter(Params{}) {}

    /// @throws invalid_argument for inconsistent parameters
    explicit AlarmFilter(Params params)
        : params_(params) {
        const std::string who = "AlarmFilter: ";
        if (params_.n < 1 || params_.k < 1 || params_.k > params_.n) {
            PROGNOS_THROW(
                invalid_argument(who + "need 1 <= k <= n, got k = " + std::to_string(params_.k) +
                                 ", n = " + std::to_string(params_.n)));
        }
        if (params_.clear_k < 0 || params_.clear_k >= params_.k) {
            PROGNOS_THROW(invalid_argument(
                who + "need 0 <= clear_k < k, got clear_k = " + std::to_string(params_.clear_k)));
        }
        if (!(params_.off_threshold <= params_.on_threshold)) {
            PROGNOS_THROW(invalid_argument(who + "off_threshold must be <= on_threshold, got " +
                                           std::to_string(params_.off_threshold) + " > " +
                                           std::to_string(params_.on_threshold)));
        }
    }

    /// Adds one score and returns whether the alarm is on afterwards. A NaN score votes
    /// neither to raise nor to clear (see the class comment).
    bool update(double score) {
        recent_.push_back(score);
        if (recent_.size() > static_cast<std::size_t>(params_.n)) {
            recent_.pop_front();
        }
        int on_votes = 0, clear_votes = 0;
        for (double s : recent_) {
            on_votes += s >= params_.on_threshold ? 1 : 0;
            clear_votes += s < params_.off_threshold ? 1 : 0; // false for NaN
        }
        if (!active_ && on_votes >= params_.k) {
            active_ = true;
        } else if (active_ && clear_votes >= params_.n - params_.clear_k) {
            active_ = false;
        }
        return active_;
    }

    bool active() const noexcept { return active_; }

    /// Clears the history and the alarm (after maintenance).
    void reset() {
        recent_.clear();
        active_ = false;
    }

    const Params& params() const noexcept { return params_; }

private:
    Params params_;
    std::deque<double> recent_;
    bool active_ = false;
};

} // namespace prognos
