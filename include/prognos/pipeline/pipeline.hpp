// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Pipeline: a fixed chain of transformers ending in a model, fitted and applied as one.
///
///     auto p = prognos::make_pipeline(prognos::SimpleImputer{}, prognos::OneHotEncoder{},
///                                     prognos::StandardScaler{},
///                                     prognos::RandomForestClassifier{});
///     p.fit(train_table, "Machine failure");
///     prognos::Matrix proba = p.predict_proba(new_rows);
///
/// The chain is part of the type, so mistakes in it are compile errors with a plain message:
/// a model anywhere but last, a transformer last, or a step that cannot take what the step
/// before it produces (a Matrix into a step that needs a Table). Data flows as a Table until a
/// step turns it into a Matrix; where a step only takes a Matrix, a Table of numeric columns is
/// converted on the way (a categorical column there is an error naming it).
///
/// The pipeline keeps the schema of the table it was fitted on (column names, types,
/// categories). Named input is matched to it by name, never by position, so columns may arrive
/// in any order; a missing column is an error listing what is missing and what was unexpected.
///
/// predict and predict_proba are const and only read the fitted state, so one fitted pipeline
/// can serve many threads at once.
///
/// A binary classification pipeline may carry a decision threshold on the probability of the
/// second class (the failure class under 0/1 labels): predict then answers that class when its
/// probability reaches the threshold, instead of taking the most probable class. The threshold
/// is saved in the artifact, so a server answers with the cost-tuned decision the trainer chose
/// (see pdm/alarm.hpp, cost_optimal_threshold). Without one, predict is the model's own.

#include <prognos/core/archive.hpp>
#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/traits.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/data/table.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace prognos {

template <class... Steps>
class Pipeline {
    static_assert(sizeof...(Steps) >= 1, "prognos::Pipeline needs at least one step: a model");

    static constexpr std::size_t n_steps = sizeof...(Steps);
    using StepTuple = std::tuple<Steps...>;
    template <std::size_t I>
    using StepAt = std::tuple_element_t<I, StepTuple>;

public:
    /// The last step: the estimator that makes the predictions.
    using Model = StepAt<n_steps - 1>;

    static_assert(is_model<Model, Matrix>::value,
                  "prognos::Pipeline: the last step must be a model (a type with "
                  "predict(const Matrix&) const); a transformer such as a scaler, encoder or "
                  "imputer cannot end a pipeline");

    /// Whether the model gives class probabilities (classifiers do, regressors do not).
    static constexpr bool is_classifier = has_predict_proba<Model, Matrix>::value;

    Pipeline() = default;

    explicit Pipeline(Steps... steps)
        : steps_(std::move(steps)...) {}

    /// "Pipeline<SimpleImputer,OneHotEncoder,...>": how artifacts name this composition.
    static std::string type_name() {
        std::string name = "Pipeline<";
        std::size_t i = 0;
        ((name += (i++ == 0 ? "" : ",") + type_name_of<Steps>()), ...);
        return name + ">";
    }

    /// Fits every step on a table and a target with one value per row (IntVector of class
    /// labels for a classifier, Vector for a regressor). Remembers the table's schema.
    template <class Target, class = std::enable_if_t<!std::is_convertible_v<Target, std::string>>>
    Pipeline& fit(const Table& X, const Target& y) {
        if (X.empty()) {
            PROGNOS_THROW(invalid_argument("Pipeline::fit: empty training table (" +
                                           std::to_string(X.rows()) + " rows, " +
                                           std::to_string(X.cols()) + " columns)"));
        }
        // Fit a copy and keep it only if every step succeeds: a failed refit (a diverging
        // network, a single class) leaves the last good pipeline in service.
        Pipeline next(*this);
        next.fitted_ = false;
        next.schema_ = X.schema();
        next.template fit_from<0>(X, y);
        next.finish_fit(y);
        *this = std::move(next);
        return *this;
    }

    /// Fits on a matrix; its columns are named x0, x1, ... in the schema.
    template <class Target, class = std::enable_if_t<!std::is_convertible_v<Target, std::string>>>
    Pipeline& fit(const Matrix& X, const Target& y) {
        if (X.rows() == 0 || X.cols() == 0) {
            PROGNOS_THROW(invalid_argument("Pipeline::fit: empty training data"));
        }
        Pipeline next(*this); // see fit(Table, y): a failed refit keeps the last good fit
        next.fitted_ = false;
        next.schema_ = Table::from_matrix(Matrix(0, X.cols())).schema();
        next.template fit_from<0>(X, y);
        next.finish_fit(y);
        *this = std::move(next);
        return *this;
    }

    /// Fits on the columns of `data` other than `target`, which supplies y: class labels for a
    /// classifier (whole numbers, or categories whose names are kept), numbers for a regressor.
    Pipeline& fit(const Table& data, const std::string& target) {
        const Table X = data.drop({target});
        if constexpr (is_classifier) {
            const Labels labels = labels_from_column(data.column(std::string_view{target}));
            if (labels.names.size() == 1) {
                // A model that refuses a single class names it by its number; only the
                // pipeline knows the category text a user would recognise.
                try {
                    fit(X, labels.y);
                } catch (const bad_value&) {
                    throw;
                } catch (const invalid_argument& e) {
                    PROGNOS_THROW(invalid_argument(
                        std::string(e.what()) + " (class " + std::to_string(labels.classes[0]) +
                        " is '" + labels.names[0] + "' in target column '" + target + "')"));
                }
            } else {
                fit(X, labels.y);
            }
            // Name each of the model's classes by its category text.
            for (std::size_t k = 0; k < class_names_.size(); ++k) {
                for (std::size_t c = 0; c < labels.classes.size(); ++c) {
                    if (std::to_string(labels.classes[c]) == class_names_[k]) {
                        class_names_[k] = labels.names[c];
                    }
                }
            }
        } else {
            fit(X, targets_from_column(data.column(std::string_view{target})));
        }
        return *this;
    }

    /// Predictions for named input, matched to the training schema by column name. With a
    /// decision threshold set, classes come from it (see set_decision_threshold).
    auto predict(const Table& X) const { return predict_features(features(X)); }

    /// Predictions for a matrix whose columns are in training order.
    auto predict(const Matrix& X) const { return predict_features(features(X)); }

    /// Class probabilities for named input: one row per input row, one column per class in
    /// the order of classes().
    template <class M = Model, class = std::enable_if_t<has_predict_proba<M, Matrix>::value>>
    Matrix predict_proba(const Table& X) const {
        const Matrix F = features(X);
        return named_errors([&] { return model().predict_proba(F); });
    }

    /// Class probabilities for a matrix whose columns are in training order.
    template <class M = Model, class = std::enable_if_t<has_predict_proba<M, Matrix>::value>>
    Matrix predict_proba(const Matrix& X) const {
        const Matrix F = features(X);
        return named_errors([&] { return model().predict_proba(F); });
    }

    /// The matrix the model sees for this input: every transformer applied. Useful for
    /// inspecting what a step did.
    Matrix features(const Table& X) const {
        check_fitted(fitted_, "Pipeline");
        return features_from<0>(conform(X, schema_, extra_columns_));
    }

    Matrix features(const Matrix& X) const {
        check_fitted(fitted_, "Pipeline");
        for (const auto& c : schema_.columns) {
            if (c.type == ColumnType::categorical) {
                PROGNOS_THROW(invalid_argument(
                    "Pipeline: fitted on a table with categorical column '" + c.name +
                    "'; pass a Table with named columns instead of a Matrix"));
            }
        }
        check_n_features(static_cast<Index>(schema_.size()), X.cols(), "Pipeline::predict");
        return features_from<0>(X);
    }

    bool is_fitted() const noexcept { return fitted_; }

    /**
     * Makes predict answer the second class (classes()[1]) when its probability is >= `t`,
     * else the first. For fitted binary classifiers only; `t` in [0, 1], or +infinity for
     * "never". Choose it on out-of-fold probabilities, not on training rows.
     * @throws not_fitted before fit; invalid_argument for a model with other than two classes,
     *         a model that refuses to give probabilities (an SVC fitted without
     *         `probability = true`), or a threshold outside [0, 1] (and not +infinity)
     */
    template <class M = Model, class = std::enable_if_t<has_predict_proba<M, Matrix>::value>>
    Pipeline& set_decision_threshold(double t) {
        check_fitted(fitted_, "Pipeline::set_decision_threshold");
        if (class_names_.size() != 2) {
            PROGNOS_THROW(invalid_argument(
                "Pipeline::set_decision_threshold: needs a binary classifier, this one has " +
                std::to_string(class_names_.size()) + " classes"));
        }
        if (!((t >= 0.0 && t <= 1.0) || t == std::numeric_limits<double>::infinity())) {
            PROGNOS_THROW(invalid_argument(
                "Pipeline::set_decision_threshold: threshold must lie in [0, 1] or be "
                "+infinity, got " +
                std::to_string(t)));
        }
        if (const std::string problem = probability_problem(); !problem.empty()) {
            PROGNOS_THROW(
                invalid_argument("Pipeline::set_decision_threshold: needs a model that gives "
                                 "probabilities, but: " +
                                 problem));
        }
        decision_threshold_ = t;
        return *this;
    }

    /// Back to the model's own predict (the most probable class).
    Pipeline& clear_decision_threshold() noexcept {
        decision_threshold_ = std::numeric_limits<double>::quiet_NaN();
        return *this;
    }

    /// The decision threshold, or NaN when predict is the model's own.
    double decision_threshold() const noexcept { return decision_threshold_; }

    /// The columns the pipeline was fitted on.
    const Schema& schema() const noexcept { return schema_; }

    /// The names of the features that reach the model (after encoding); empty when a step
    /// cannot say how it names its output.
    const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }

    /// Class names aligned with the model's classes(): the category text when the target was
    /// categorical, the label's digits otherwise.
    const std::vector<std::string>& class_names() const noexcept { return class_names_; }

    /// What to do with input columns the schema does not know: ignore them (the default, so
    /// a table that still holds the target or an id column can be passed) or refuse them.
    Pipeline& set_extra_columns(ExtraColumns policy) noexcept {
        extra_columns_ = policy;
        return *this;
    }

    ExtraColumns extra_columns() const noexcept { return extra_columns_; }

    template <std::size_t I>
    StepAt<I>& step() noexcept {
        return std::get<I>(steps_);
    }

    template <std::size_t I>
    const StepAt<I>& step() const noexcept {
        return std::get<I>(steps_);
    }

    Model& model() noexcept { return std::get<n_steps - 1>(steps_); }

    const Model& model() const noexcept { return std::get<n_steps - 1>(steps_); }

    template <class Archive>
    void serialize(Archive& ar) {
        const std::vector<std::string> expected{type_name_of<Steps>()...};
        std::vector<std::string> stored = expected;
        ar("step_types", stored);
        if (Archive::loading) {
            ar.require(stored == expected,
                       "the stored steps do not match this pipeline type " + type_name());
        }
        ar("fitted", fitted_);
        ar.nested("schema", schema_);
        ar("feature_names", feature_names_);
        ar("class_names", class_names_);
        int extra = extra_columns_ == ExtraColumns::error ? 1 : 0;
        ar("refuse_extra_columns", extra);
        extra_columns_ = extra == 1 ? ExtraColumns::error : ExtraColumns::ignore;
        // Added after the first artifacts were written; those mean "no threshold" (NaN).
        ar.optional(
            "decision_threshold", decision_threshold_, std::numeric_limits<double>::quiet_NaN());
        serialize_steps(ar, std::index_sequence_for<Steps...>{});
        if (Archive::loading && fitted_) {
            const std::string problem = consistency_problem();
            ar.require(problem.empty(), "the stored steps do not fit together: " + problem);
            // Error messages name features by these names, so a file whose names disagree
            // with what its own steps produce would blame the wrong column.
            const std::vector<std::string> stored_names = feature_names_;
            bool derivable = true;
            try {
                feature_names_ = schema_.names();
                name_features(std::index_sequence_for<Steps...>{});
            } catch (const error&) {
                derivable = false;
            }
            ar.require(derivable && feature_names_ == stored_names,
                       "the stored feature names are not the ones the stored steps produce");
        }
        if (Archive::loading) {
            const double t = decision_threshold_;
            ar.require(std::isnan(t) || (is_classifier && class_names_.size() == 2 &&
                                         ((t >= 0.0 && t <= 1.0) || t == HUGE_VAL)),
                       "decision_threshold must be NaN (none), or in [0, 1] or +infinity for a "
                       "binary classifier");
            if constexpr (is_classifier) {
                if (fitted_ && !std::isnan(t)) {
                    const std::string problem = probability_problem();
                    ar.require(problem.empty(),
                               "a decision threshold is stored but the model gives no "
                               "probabilities: " +
                                   problem);
                }
            }
        }
    }

private:
    auto predict_features(const Matrix& F) const {
        if constexpr (is_classifier) {
            if (!std::isnan(decision_threshold_)) {
                const Matrix proba = named_errors([&] { return model().predict_proba(F); });
                const auto& classes = model().classes();
                std::decay_t<decltype(model().predict(F))> out(proba.rows());
                for (Index i = 0; i < proba.rows(); ++i) {
                    out[i] = classes[proba(i, 1) >= decision_threshold_ ? 1 : 0];
                }
                return out;
            }
        }
        return named_errors([&] { return model().predict(F); });
    }

    template <std::size_t I, class Step>
    static constexpr bool check_step() {
        if constexpr (I + 1 < n_steps) {
            static_assert(!is_model<Step, Matrix>::value,
                          "prognos::Pipeline: only the last step may be a model; a step before "
                          "the last has predict()");
            static_assert(can_transform<Step, Table>::value || can_transform<Step, Matrix>::value,
                          "prognos::Pipeline: every step before the last must be a transformer "
                          "with transform(const Table&) or transform(const Matrix&)");
        }
        return true;
    }

    template <std::size_t... Is>
    static constexpr bool check_steps(std::index_sequence<Is...>) {
        return (check_step<Is, StepAt<Is>>() && ...);
    }

    static_assert(check_steps(std::index_sequence_for<Steps...>{}));

    // Fits step I on `data`, then passes what it makes on to step I + 1.
    template <std::size_t I, class Data, class Target>
    void fit_from(const Data& data, const Target& y) {
        auto& step = std::get<I>(steps_);
        if constexpr (I + 1 == n_steps) {
            // The transformers are fitted now, so the features the model sees can be named
            // before the model gets a chance to complain about one of them.
            feature_names_ = schema_.names();
            name_features(std::index_sequence_for<Steps...>{});
            if constexpr (std::is_same_v<Data, Table>) {
                const Matrix X = data.to_matrix();
                named_errors([&] { step.fit(X, y); });
            } else {
                named_errors([&] { step.fit(data, y); });
            }
        } else if constexpr (can_transform<StepAt<I>, Data>::value) {
            step.fit(data);
            fit_from<I + 1>(step.transform(data), y);
        } else if constexpr (std::is_same_v<Data, Table> &&
                             can_transform<StepAt<I>, Matrix>::value) {
            const Matrix X = data.to_matrix();
            step.fit(X);
            fit_from<I + 1>(step.transform(X), y);
        } else {
            static_assert(dependent_false<Data>,
                          "prognos::Pipeline: a step takes only a Table but the step before it "
                          "produces a Matrix; put table steps (column selection, imputation of "
                          "categories, one-hot encoding) before matrix steps (scalers)");
        }
    }

    // Applies the fitted transformers from step I on and returns what the model takes.
    template <std::size_t I, class Data>
    Matrix features_from(const Data& data) const {
        if constexpr (I + 1 == n_steps) {
            if constexpr (std::is_same_v<Data, Table>) {
                return data.to_matrix();
            } else {
                return data;
            }
        } else if constexpr (can_transform<StepAt<I>, Data>::value) {
            return features_from<I + 1>(std::get<I>(steps_).transform(data));
        } else {
            return features_from<I + 1>(std::get<I>(steps_).transform(data.to_matrix()));
        }
    }

    template <class Target>
    void finish_fit(const Target&) {
        class_names_.clear();
        if constexpr (is_classifier) {
            for (auto c : model().classes()) {
                class_names_.push_back(std::to_string(c));
            }
        }
        fitted_ = true;
    }

    template <std::size_t... Is>
    void name_features(std::index_sequence<Is...>) {
        (name_features_after<Is>(), ...);
    }

    template <std::size_t I>
    void name_features_after() {
        if constexpr (I + 1 < n_steps) {
            if constexpr (has_feature_names_out<StepAt<I>, std::vector<std::string>>::value) {
                feature_names_ = std::get<I>(steps_).feature_names_out(feature_names_);
            } else {
                feature_names_.clear();
            }
        }
    }

    // Runs a model call; a bad value it reports by position is reported again with the name
    // of the feature, which only the pipeline knows.
    template <class Call>
    auto named_errors(Call&& call) const -> decltype(call()) {
        try {
            return call();
        } catch (const bad_value& e) {
            const auto j = static_cast<std::size_t>(e.column());
            if (e.column() < 0 || j >= feature_names_.size()) {
                throw;
            }
            PROGNOS_THROW(bad_value(std::string(e.what()) + " (feature " + std::to_string(j) +
                                        " is '" + feature_names_[j] + "')",
                                    e.row(),
                                    e.column()));
        }
    }

    // Each step checks its own state when loaded; this checks that they fit one another, by
    // passing one made-up row of the schema's shape through every step. A file whose parts
    // were edited apart is then refused at load time instead of failing at the first request.
    // One row the schema accepts (zeros, the first category), fed through the steps to check
    // that a loaded or edited pipeline can answer at all.
    Table probe_row() const {
        Table row;
        for (const auto& c : schema_.columns) {
            if (c.type == ColumnType::numeric) {
                row.add(Column::numeric(c.name, {0.0}));
            } else if (c.categories.empty()) {
                row.add(Column::categorical(c.name, {Column::missing_code}, {}));
            } else {
                row.add(Column::categorical(c.name, {0}, {c.categories.front()}));
            }
        }
        return row;
    }

    // Empty when the model gives probabilities, else why not. A model may have predict_proba
    // and still refuse to answer (an SVC fitted without probability = true), which a
    // threshold on the probability would only reveal at the first predict.
    std::string probability_problem() const {
        try {
            (void)model().predict_proba(features(probe_row()));
        } catch (const error& e) {
            return e.what();
        }
        return {};
    }

    std::string consistency_problem() const {
        Matrix F;
        try {
            F = features(probe_row());
        } catch (const error& e) {
            return e.what();
        }
        if (!feature_names_.empty() && static_cast<Index>(feature_names_.size()) != F.cols()) {
            return std::to_string(feature_names_.size()) + " feature names for " +
                   std::to_string(F.cols()) + " features";
        }
        if constexpr (has_n_features<Model>::value) {
            if (static_cast<Index>(model().n_features()) != F.cols()) {
                return "the model takes " + std::to_string(model().n_features()) +
                       " features but the steps before it produce " + std::to_string(F.cols());
            }
        }
        if constexpr (is_classifier) {
            if (class_names_.size() != static_cast<std::size_t>(model().classes().size())) {
                return std::to_string(class_names_.size()) + " class names for " +
                       std::to_string(model().classes().size()) + " classes";
            }
        }
        return {};
    }

    template <class T, class = void>
    struct has_n_features : std::false_type {};

    template <class T>
    struct has_n_features<T, std::void_t<decltype(std::declval<const T&>().n_features())>>
        : std::true_type {};

    template <class Archive, std::size_t... Is>
    void serialize_steps(Archive& ar, std::index_sequence<Is...>) {
        (ar.nested(("step" + std::to_string(Is)).c_str(), std::get<Is>(steps_)), ...);
    }

    StepTuple steps_;
    Schema schema_;
    std::vector<std::string> feature_names_;
    std::vector<std::string> class_names_;
    ExtraColumns extra_columns_ = ExtraColumns::ignore;
    // NaN: no threshold, predict is the model's own.
    double decision_threshold_ = std::numeric_limits<double>::quiet_NaN();
    bool fitted_ = false;
};

/// A pipeline of the given steps, in order; the last must be a model.
template <class... Steps>
Pipeline<std::decay_t<Steps>...> make_pipeline(Steps&&... steps) {
    return Pipeline<std::decay_t<Steps>...>(std::forward<Steps>(steps)...);
}

} // namespace prognos
