// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// ClassWeight: scikit-learn's `class_weight` for the tree classifiers and forests.
///
/// Failures are rare in maintenance data (3.4% of AI4I), so a classifier that weighs every row
/// alike learns mostly about healthy machines. A class weight multiplies the weight of every
/// row of that class in impurities and leaf values. scikit-learn takes None, "balanced" or a
/// dict; this value type says the same through named constructors: ClassWeight::none(),
/// ::balanced() (n_samples / (n_classes * count of the class), counted on the labels given to
/// fit, before any bootstrap) and ::explicit_weights({{label, weight}, ...}) (labels not listed
/// weigh 1; a listed label absent from the training classes is an error, as in scikit-learn).

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// Per-class row weights (scikit-learn's `class_weight`).
class ClassWeight {
public:
    /// How the weights are chosen. Serialized as its int value.
    enum class Kind : int { none = 0, balanced = 1, explicit_weights = 2 };

    /// Every class weighs 1 (the default).
    ClassWeight() = default;

    /// Every class weighs 1.
    static ClassWeight none() { return ClassWeight(); }

    /// n_samples / (n_classes * count of the class): every class carries the same total weight.
    static ClassWeight balanced() {
        ClassWeight w;
        w.kind_ = Kind::balanced;
        return w;
    }

    /// The given weight for each listed label; labels not listed weigh 1. Weights must be
    /// finite and >= 0 (checked at fit).
    static ClassWeight explicit_weights(std::vector<std::pair<int, double>> weights) {
        ClassWeight w;
        w.kind_ = Kind::explicit_weights;
        for (const auto& p : weights) {
            w.labels_.push_back(p.first);
            w.weights_.push_back(p.second);
        }
        return w;
    }

    /// The rule.
    Kind kind() const noexcept { return kind_; }

    /**
     * One weight per class (index = position in `classes`), from the class codes of the
     * training rows; empty for none().
     * @throws invalid_argument naming `who` for a negative or non-finite explicit weight, or
     *         an explicit weight for a label that is not among `classes`.
     */
    std::vector<double>
    resolve(const std::vector<int>& codes, const IntVector& classes, const std::string& who) const {
        const auto k = static_cast<std::size_t>(classes.size());
        switch (kind_) {
        case Kind::none:
            return {};
        case Kind::balanced: {
            std::vector<double> count(k, 0.0);
            for (int c : codes) {
                count[static_cast<std::size_t>(c)] += 1.0;
            }
            std::vector<double> w(k);
            for (std::size_t c = 0; c < k; ++c) {
                w[c] = static_cast<double>(codes.size()) / (static_cast<double>(k) * count[c]);
            }
            return w;
        }
        case Kind::explicit_weights: {
            std::vector<double> w(k, 1.0);
            for (std::size_t j = 0; j < labels_.size(); ++j) {
                if (!(weights_[j] >= 0.0) || !std::isfinite(weights_[j])) {
                    PROGNOS_THROW(invalid_argument(
                        who + ": class_weight for label " + std::to_string(labels_[j]) +
                        " must be finite and >= 0, got " + std::to_string(weights_[j])));
                }
                bool found = false;
                for (std::size_t c = 0; c < k; ++c) {
                    if (classes[static_cast<Index>(c)] == labels_[j]) {
                        w[c] = weights_[j];
                        found = true;
                    }
                }
                if (!found) {
                    // A mistyped failure label would otherwise leave the rare class unweighted
                    // without a word.
                    std::string known;
                    for (std::size_t c = 0; c < k; ++c) {
                        known += (c ? ", " : "") + std::to_string(classes[static_cast<Index>(c)]);
                    }
                    PROGNOS_THROW(invalid_argument(
                        who + ": class_weight names label " + std::to_string(labels_[j]) +
                        ", which is not among the training classes (" + known + ")"));
                }
            }
            return w;
        }
        }
        PROGNOS_THROW(invalid_argument(who + ": class_weight has an unknown kind " +
                                       std::to_string(static_cast<int>(kind_))));
    }

    /// Saves or loads the rule; on load the kind must be one of the three.
    template <class Archive>
    void serialize(Archive& ar) {
        int kind = static_cast<int>(kind_);
        ar("kind", kind);
        ar("labels", labels_);
        ar("weights", weights_);
        if (Archive::loading) {
            ar.require(kind >= 0 && kind <= 2, "class_weight kind must be in [0, 2]");
            ar.require(labels_.size() == weights_.size(),
                       "class_weight labels and weights differ in length");
            kind_ = static_cast<Kind>(kind);
        }
    }

private:
    Kind kind_ = Kind::none;
    std::vector<int> labels_;
    std::vector<double> weights_;
};

} // namespace prognos
