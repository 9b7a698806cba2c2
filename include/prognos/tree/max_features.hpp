// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// MaxFeatures: how many features a tree examines when it looks for the best split of a node.
///
/// scikit-learn accepts a string, an int or a float for `max_features`; C++ has no such union
/// that reads well, so this small value type says the same five things through named
/// constructors: MaxFeatures::all(), ::sqrt(), ::log2(), ::count(k) and ::fraction(f). The
/// rounding of each rule follows scikit-learn 1.2 so the same setting draws the same number of
/// features.

#include <prognos/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace prognos {

/// Number of features examined per split (scikit-learn's `max_features`).
class MaxFeatures {
public:
    /// Which rule the value follows. Serialized as its int value.
    enum class Kind : int { all = 0, sqrt = 1, log2 = 2, count = 3, fraction = 4 };

    /// All features (the default of a single tree and of a regression forest).
    MaxFeatures() = default;

    /// Every feature at every split.
    static MaxFeatures all() { return MaxFeatures(Kind::all, 0.0); }

    /// max(1, floor(sqrt(n_features))): the classification forest default.
    static MaxFeatures sqrt() { return MaxFeatures(Kind::sqrt, 0.0); }

    /// max(1, floor(log2(n_features))).
    static MaxFeatures log2() { return MaxFeatures(Kind::log2, 0.0); }

    /// Exactly `k` features; `k` must lie in [1, n_features], checked at fit.
    static MaxFeatures count(int k) { return MaxFeatures(Kind::count, static_cast<double>(k)); }

    /// max(1, floor(f * n_features)); `f` must lie in (0, 1], checked at fit.
    static MaxFeatures fraction(double f) { return MaxFeatures(Kind::fraction, f); }

    /// The rule.
    Kind kind() const noexcept { return kind_; }

    /// The count or fraction given to count() / fraction(); 0 for the other rules.
    double value() const noexcept { return value_; }

    /// A readable form for messages, e.g. "sqrt", "count(3)", "fraction(0.5)".
    std::string to_string() const {
        switch (kind_) {
        case Kind::all:
            return "all";
        case Kind::sqrt:
            return "sqrt";
        case Kind::log2:
            return "log2";
        case Kind::count:
            return "count(" + std::to_string(static_cast<long long>(value_)) + ")";
        case Kind::fraction:
            return "fraction(" + std::to_string(value_) + ")";
        }
        return "invalid(" + std::to_string(static_cast<int>(kind_)) + ")";
    }

    /**
     * The number of features to examine for data with `n_features` columns.
     * @throws invalid_argument naming `who` when a count or fraction is out of range.
     */
    int resolve(int n_features, const std::string& who) const {
        switch (kind_) {
        case Kind::all:
            return n_features;
        case Kind::sqrt:
            return std::max(1, static_cast<int>(std::sqrt(static_cast<double>(n_features))));
        case Kind::log2:
            return std::max(1, static_cast<int>(std::log2(static_cast<double>(n_features))));
        case Kind::count:
            if (!(value_ >= 1 && value_ <= n_features)) {
                PROGNOS_THROW(invalid_argument(who + ": max_features must be in [1, n_features = " +
                                               std::to_string(n_features) + "], got " +
                                               to_string()));
            }
            return static_cast<int>(value_);
        case Kind::fraction:
            if (!(value_ > 0.0 && value_ <= 1.0)) {
                PROGNOS_THROW(invalid_argument(who +
                                               ": max_features fraction must be in (0, 1], got " +
                                               std::to_string(value_)));
            }
            return std::max(1, static_cast<int>(value_ * n_features));
        }
        PROGNOS_THROW(invalid_argument(who + ": max_features has an unknown kind " +
                                       std::to_string(static_cast<int>(kind_))));
    }

    /// Saves or loads the rule; on load the kind must be one of the five.
    template <class Archive>
    void serialize(Archive& ar) {
        int kind = static_cast<int>(kind_);
        ar("kind", kind);
        ar("value", value_);
        if (Archive::loading) {
            ar.require(kind >= 0 && kind <= 4, "max_features kind must be in [0, 4]");
            kind_ = static_cast<Kind>(kind);
        }
    }

    friend bool operator==(const MaxFeatures& a, const MaxFeatures& b) noexcept {
        return a.kind_ == b.kind_ && a.value_ == b.value_;
    }

    friend bool operator!=(const MaxFeatures& a, const MaxFeatures& b) noexcept {
        return !(a == b);
    }

private:
    MaxFeatures(Kind kind, double value)
        : kind_(kind)
        , value_(value) {}

    Kind kind_ = Kind::all;
    double value_ = 0.0;
};

} // namespace prognos
