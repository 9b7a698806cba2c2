// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// SVC: the C-support vector classifier with a kernel, scikit-learn's SVC in prognos form.
///
/// Several classes are handled one-vs-one, as libsvm and scikit-learn do: one two-class
/// machine per pair of classes, each trained on the rows of its two classes only, and a vote.
/// One-vs-one keeps every sub-problem small, and SMO's cost grows faster than linearly in the
/// rows, so k(k-1)/2 small problems are cheaper than k problems over all the rows.
///
/// predict and predict_proba never disagree. Without probabilities (the default, as in
/// scikit-learn) predict is the one-vs-one vote. With Params::probability = true, predict is
/// defined as the arg-max of predict_proba (ties to the lower class), so the label a caller
/// shows and the probabilities it shows beside it can never contradict each other, whatever
/// the randomised calibration did. decision_function is the raw machine output in both cases,
/// so with probabilities on, its sign can (rarely, near the boundary) disagree with predict.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/svm/detail/common.hpp>
#include <prognos/svm/detail/platt.hpp>
#include <prognos/svm/kernel.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/**
 * C-support vector classification with a kernel.
 *
 * Labels may be any ints; classes() holds them sorted and the columns of predict_proba follow
 * it. Training data with a single class is an error naming the class: an SVM has no boundary
 * to learn from one class (OneClassSVM is the model for that situation).
 */
class SVC {
public:
    /// Hyper-parameters, with scikit-learn's names and defaults.
    struct Params {
        /// Penalty for margin violations; larger fits the training rows more closely. > 0.
        double C = 1.0;
        /// Kernel function.
        Kernel kernel = Kernel::rbf;
        /// Kernel coefficient for rbf, poly and sigmoid.
        Gamma gamma = Gamma::scale();
        /// Degree of the poly kernel.
        int degree = 3;
        /// Constant term of the poly and sigmoid kernels.
        double coef0 = 0.0;
        /// Use the shrinking heuristic (faster, same answer).
        bool shrinking = true;
        /// Fit Platt scaling by internal 5-fold cross-validation, enabling predict_proba. Costs
        /// about five extra fits.
        bool probability = false;
        /// Stopping tolerance of SMO (maximal KKT violation).
        double tol = 1e-3;
        /// Kernel-row cache size in MB, per sub-problem.
        double cache_size = 200.0;
        /// Threads computing kernel rows: a positive count, or -1 / 0 for every core (the
        /// forests' default). The fitted model is the same for every value: each kernel value is
        /// computed by the same instructions whichever thread computes it.
        int n_jobs = -1;
        /// Per-class multipliers of C; classes not listed get 1.
        std::map<int, double> class_weight;
        /// Weights n_rows / (n_classes · n_rows_of_class) ('balanced'); class_weight entries
        /// then multiply these.
        bool class_weight_balanced = false;
        /// SMO iteration limit per sub-problem; -1 (the default) for an automatic limit of
        /// max(10 000 000, 100 · n) iterations for n dual variables (rows), libsvm's cap.
        /// Hitting it is not an error: status().converged turns false.
        long long max_iter = -1;
        /// Seeds the cross-validation folds of the probability calibration.
        std::uint64_t seed = 0;
    };

    SVC() = default;

    /// An SVC with the given hyper-parameters (checked at fit).
    explicit SVC(Params params)
        : params_(std::move(params)) {}

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "SVC"; }

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Fits on X (one row per sample) and labels y.
     * @throws invalid_argument for bad parameters, shapes or a single class; bad_value for
     * NaN/inf in X. Hitting max_iter is not an error: see status().
     */
    SVC& fit(const Matrix& X, const IntVector& y) {
        const std::string who = "SVC::fit";
        check_training_shape(X, y.size(), who);
        detail::check_positive(who, "C", params_.C);
        detail::check_solver_params(who, params_.tol, params_.cache_size, params_.max_iter);
        check_finite(X, who);
        const KernelSpec spec = detail::resolve_kernel(
            params_.kernel, params_.gamma, params_.degree, params_.coef0, X, who);

        std::vector<int> classes(y.data(), y.data() + y.size());
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        if (classes.size() < 2) {
            PROGNOS_THROW(invalid_argument(
                who + ": at least 2 classes are needed, but every row has class " +
                std::to_string(classes[0]) +
                "; an SVM cannot learn a boundary from one class (OneClassSVM models a single "
                "class)"));
        }
        const int k = static_cast<int>(classes.size());
        std::vector<std::vector<Index>> rows_of(static_cast<std::size_t>(k));
        for (Index i = 0; i < y.size(); ++i) {
            const auto c = std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin();
            rows_of[static_cast<std::size_t>(c)].push_back(i);
        }
        const std::vector<double> weight = class_weights(classes, rows_of, X.rows(), who);

        // One machine per pair; coefficients kept per training row until the support set is
        // known.
        const int n_pairs = k * (k - 1) / 2;
        std::vector<std::vector<std::pair<Index, double>>> pair_coef(
            static_cast<std::size_t>(n_pairs));
        std::vector<double> rho(static_cast<std::size_t>(n_pairs));
        std::vector<double> prob_a;
        std::vector<double> prob_b;
        std::vector<bool> is_sv(static_cast<std::size_t>(X.rows()), false);
        SvmFitStatus status;
        const detail::SmoSettings settings{params_.tol,
                                           params_.max_iter,
                                           params_.shrinking,
                                           detail::solver_threads(who, params_.n_jobs)};
        const double cache_bytes = params_.cache_size * 1024.0 * 1024.0;
        int p = 0;
        for (int a = 0; a < k; ++a) {
            for (int b = a + 1; b < k; ++b, ++p) {
                std::vector<Index> rows = rows_of[static_cast<std::size_t>(a)];
                const auto& rb = rows_of[static_cast<std::size_t>(b)];
                rows.insert(rows.end(), rb.begin(), rb.end());
                std::vector<std::int8_t> sign(rows.size(), -1);
                std::fill(sign.begin(),
                          sign.begin() + static_cast<std::ptrdiff_t>(
                                             rows_of[static_cast<std::size_t>(a)].size()),
                          std::int8_t{1});
                const Matrix Xp = detail::take_rows(X, rows);
                const double c_pos = params_.C * weight[static_cast<std::size_t>(a)];
                const double c_neg = params_.C * weight[static_cast<std::size_t>(b)];
                if (params_.probability) {
                    double A = 0.0;
                    double B = 0.0;
                    calibrate(Xp, sign, c_pos, c_neg, spec, settings, cache_bytes, p, A, B);
                    prob_a.push_back(A);
                    prob_b.push_back(B);
                }
                const detail::BinarySolution sol =
                    detail::train_binary(Xp, sign, c_pos, c_neg, spec, settings, cache_bytes, who);
                rho[static_cast<std::size_t>(p)] = sol.rho;
                status.converged = status.converged && sol.info.converged;
                status.n_iter += sol.info.n_iter;
                status.objective += sol.info.objective;
                for (std::size_t t = 0; t < rows.size(); ++t) {
                    if (sol.coef[t] != 0.0) {
                        pair_coef[static_cast<std::size_t>(p)].emplace_back(rows[t], sol.coef[t]);
                        is_sv[static_cast<std::size_t>(rows[t])] = true;
                    }
                }
            }
        }

        // Support vectors grouped by class, in row order within a class (scikit-learn's order).
        std::vector<Index> support;
        std::vector<int> n_support(static_cast<std::size_t>(k), 0);
        std::vector<Index> position(static_cast<std::size_t>(X.rows()), -1);
        for (int c = 0; c < k; ++c) {
            for (Index i : rows_of[static_cast<std::size_t>(c)]) {
                if (is_sv[static_cast<std::size_t>(i)]) {
                    position[static_cast<std::size_t>(i)] = static_cast<Index>(support.size());
                    support.push_back(i);
                    ++n_support[static_cast<std::size_t>(c)];
                }
            }
        }
        Matrix coef = Matrix::Zero(static_cast<Index>(support.size()), n_pairs);
        for (int q = 0; q < n_pairs; ++q) {
            for (const auto& entry : pair_coef[static_cast<std::size_t>(q)]) {
                coef(position[static_cast<std::size_t>(entry.first)], q) = entry.second;
            }
        }

        support_set_.set(detail::take_rows(X, support), spec);
        classes_ = Eigen::Map<const IntVector>(classes.data(), k);
        support_ = Eigen::Map<const Eigen::Matrix<Index, Eigen::Dynamic, 1>>(
                       support.data(), static_cast<Index>(support.size()))
                       .cast<int>();
        n_support_ = Eigen::Map<const IntVector>(n_support.data(), k);
        coef_ = std::move(coef);
        rho_ = Eigen::Map<const Vector>(rho.data(), n_pairs);
        prob_a_ = Eigen::Map<const Vector>(prob_a.data(), static_cast<Index>(prob_a.size()));
        prob_b_ = Eigen::Map<const Vector>(prob_b.data(), static_cast<Index>(prob_b.size()));
        n_features_ = X.cols();
        status_ = status;
        return *this;
    }

    /// Predicted labels: the one-vs-one vote, or the arg-max of predict_proba when the model
    /// was fitted with probability = true.
    IntVector predict(const Matrix& X) const {
        check_input(X, "SVC::predict");
        IntVector out(X.rows());
        if (has_probability()) {
            const Matrix P = proba_from(raw_decisions(X));
            for (Index i = 0; i < X.rows(); ++i) {
                Index c = 0;
                P.row(i).maxCoeff(&c);
                out[i] = classes_[c];
            }
            return out;
        }
        const Matrix D = raw_decisions(X);
        std::vector<int> votes(static_cast<std::size_t>(n_classes()));
        for (Index i = 0; i < X.rows(); ++i) {
            out[i] = classes_[vote(D.row(i).data(), D.rows(), votes.data())];
        }
        return out;
    }

    /**
     * Class probabilities (rows sum to 1, columns in the order of classes()).
     * @throws invalid_argument when the model was fitted with probability = false.
     */
    Matrix predict_proba(const Matrix& X) const {
        check_input(X, "SVC::predict_proba");
        check_probability("SVC::predict_proba");
        return proba_from(raw_decisions(X));
    }

    /**
     * Decision values, scikit-learn's 'ovo' shape: one column per pair of classes (0,1), (0,2),
     * ..., (1,2), ...; positive favours the first class of the pair. With two classes there is
     * one column and positive favours classes()[1], as in scikit-learn.
     */
    Matrix decision_function(const Matrix& X) const {
        check_input(X, "SVC::decision_function");
        Matrix D = raw_decisions(X);
        if (n_classes() == 2) {
            D = -D;
        }
        return D;
    }

    /// Label of one row of n_features() values. Allocates nothing up to 12 classes.
    int predict_row(const double* x) const {
        check_row(x, "SVC::predict_row");
        if (has_probability()) {
            std::array<double, stack_classes> p{};
            if (n_classes() > stack_classes) {
                std::vector<double> big(static_cast<std::size_t>(n_classes()));
                proba_row(x, big.data());
                return classes_[std::max_element(big.begin(), big.end()) - big.begin()];
            }
            proba_row(x, p.data());
            return classes_[std::max_element(p.begin(), p.begin() + n_classes()) - p.begin()];
        }
        std::array<double, stack_classes*(stack_classes - 1) / 2> dec{};
        std::array<int, stack_classes> votes{};
        if (n_classes() > stack_classes) {
            std::vector<double> big_dec(static_cast<std::size_t>(coef_.cols()));
            std::vector<int> big_votes(static_cast<std::size_t>(n_classes()));
            decisions_row(x, big_dec.data());
            return classes_[vote(big_dec.data(), 1, big_votes.data())];
        }
        decisions_row(x, dec.data());
        return classes_[vote(dec.data(), 1, votes.data())];
    }

    /// Writes the n_classes() probabilities of one row into `out`. Allocates nothing up to 12
    /// classes. @throws invalid_argument when fitted with probability = false.
    void predict_proba_row(const double* x, double* out) const {
        check_row(x, "SVC::predict_proba_row");
        check_probability("SVC::predict_proba_row");
        proba_row(x, out);
    }

    /// The training labels, sorted ascending.
    const IntVector& classes() const noexcept { return classes_; }

    /// Number of classes.
    Index n_classes() const noexcept { return classes_.size(); }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return n_features_ > 0; }

    /// Whether predict_proba is available (fitted with probability = true).
    bool has_probability() const noexcept { return prob_a_.size() > 0; }

    /// Training-row indices of the support vectors, grouped by class (scikit-learn's support_).
    const IntVector& support() const noexcept { return support_; }

    /// Number of support vectors per class, in the order of classes().
    const IntVector& n_support() const noexcept { return n_support_; }

    /// The support vectors, one per row, in the order of support().
    const detail::SupportSet::RowMatrix& support_vectors() const noexcept {
        return support_set_.sv;
    }

    /// Dual coefficients y_t a_t: one row per support vector, one column per pair of classes
    /// (in decision_function's order; 0 where a vector is not in the pair). Positive y means
    /// the pair's first class.
    const Matrix& dual_coef() const noexcept { return coef_; }

    /// Offsets rho per pair: raw decision = Σ coef · K - rho.
    const Vector& rho() const noexcept { return rho_; }

    /// The kernel with gamma resolved.
    const KernelSpec& kernel() const noexcept { return support_set_.kernel; }

    /// How the last fit ended (convergence, iterations, dual objective).
    const SvmFitStatus& status() const noexcept { return status_; }

    /// Saves or loads parameters and the fitted machine; loading checks every size and value
    /// prediction relies on.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("C", params_.C);
        detail::serialize_kernel_params(ar, params_);
        ar("probability", params_.probability);
        ar("seed", params_.seed);
        ar("class_weight_balanced", params_.class_weight_balanced);
        std::vector<int> cw_classes;
        std::vector<double> cw_values;
        for (const auto& kv : params_.class_weight) {
            cw_classes.push_back(kv.first);
            cw_values.push_back(kv.second);
        }
        ar("class_weight_classes", cw_classes);
        ar("class_weight_values", cw_values);
        std::int64_t n_features = n_features_;
        ar("n_features", n_features);
        std::vector<int> classes(classes_.data(), classes_.data() + classes_.size());
        std::vector<int> support(support_.data(), support_.data() + support_.size());
        std::vector<int> n_support(n_support_.data(), n_support_.data() + n_support_.size());
        ar("classes", classes);
        ar("support", support);
        ar("n_support", n_support);
        detail::serialize_support(ar, support_set_);
        ar("dual_coef", coef_);
        ar("rho", rho_);
        ar("prob_a", prob_a_);
        ar("prob_b", prob_b_);
        ar("converged", status_.converged);
        std::int64_t n_iter = status_.n_iter;
        ar("n_iter", n_iter);
        ar("objective", status_.objective);
        if (Archive::loading) {
            load_checks(ar, cw_classes, cw_values, n_features, classes, support, n_support);
            status_.n_iter = static_cast<long long>(n_iter);
        }
    }

private:
    static constexpr int stack_classes = 12;

    template <class Archive>
    void load_checks(Archive& ar,
                     const std::vector<int>& cw_classes,
                     const std::vector<double>& cw_values,
                     std::int64_t n_features,
                     const std::vector<int>& classes,
                     const std::vector<int>& support,
                     const std::vector<int>& n_support) {
        ar.require(std::isfinite(params_.C) && params_.C > 0.0, "C must be > 0");
        ar.require(cw_classes.size() == cw_values.size(),
                   "class_weight_classes and class_weight_values differ in length");
        params_.class_weight.clear();
        for (std::size_t i = 0; i < cw_classes.size(); ++i) {
            ar.require(std::isfinite(cw_values[i]) && cw_values[i] > 0.0,
                       "class_weight_values must be > 0");
            params_.class_weight[cw_classes[i]] = cw_values[i];
        }
        ar.require(classes.size() >= 2, "classes must hold at least 2 classes");
        ar.require(std::adjacent_find(classes.begin(),
                                      classes.end(),
                                      [](int a, int b) { return a >= b; }) == classes.end(),
                   "classes must be strictly increasing");
        const auto k = static_cast<Index>(classes.size());
        const Index n_pairs = k * (k - 1) / 2;
        const Index n_sv = support_set_.sv.rows();
        ar.require(n_features >= 1, "n_features must be >= 1");
        ar.require(support_set_.sv.cols() == n_features || n_sv == 0,
                   "support_vectors must have n_features columns");
        ar.require(static_cast<Index>(support.size()) == n_sv,
                   "support must list one index per support vector");
        ar.require(static_cast<Index>(n_support.size()) == k,
                   "n_support needs one count per class");
        long long total = 0;
        for (int c : n_support) {
            ar.require(c >= 0, "n_support counts must be >= 0");
            total += c;
        }
        ar.require(total == n_sv, "n_support must add up to the number of support vectors");
        ar.require(coef_.rows() == n_sv && coef_.cols() == n_pairs,
                   "dual_coef must be n_support_vectors x n_class_pairs");
        ar.require(coef_.allFinite(), "dual_coef must be finite");
        ar.require(rho_.size() == n_pairs && rho_.allFinite(),
                   "rho must hold one finite value per class pair");
        ar.require(prob_a_.size() == prob_b_.size() &&
                       (prob_a_.size() == 0 || prob_a_.size() == n_pairs),
                   "prob_a and prob_b must be empty or hold one value per class pair");
        ar.require(prob_a_.allFinite() && prob_b_.allFinite(), "prob_a and prob_b must be finite");
        classes_ = Eigen::Map<const IntVector>(classes.data(), k);
        support_ = Eigen::Map<const IntVector>(support.data(), static_cast<Index>(support.size()));
        n_support_ = Eigen::Map<const IntVector>(n_support.data(), k);
        n_features_ = static_cast<Index>(n_features);
        if (n_sv > 0) {
            std::vector<double> dec(static_cast<std::size_t>(n_pairs));
            decisions_row(support_set_.sv.data(), dec.data());
            double sum = 0.0;
            for (double v : dec) {
                sum += v;
            }
            detail::require_finite_decision(ar, sum);
        }
    }

    std::vector<double> class_weights(const std::vector<int>& classes,
                                      const std::vector<std::vector<Index>>& rows_of,
                                      Index n_rows,
                                      const std::string& who) const {
        const std::size_t k = classes.size();
        std::vector<double> w(k, 1.0);
        if (params_.class_weight_balanced) {
            for (std::size_t c = 0; c < k; ++c) {
                w[c] = static_cast<double>(n_rows) /
                       (static_cast<double>(k) * static_cast<double>(rows_of[c].size()));
            }
        }
        for (const auto& kv : params_.class_weight) {
            const auto it = std::lower_bound(classes.begin(), classes.end(), kv.first);
            if (it == classes.end() || *it != kv.first) {
                PROGNOS_THROW(invalid_argument(who + ": class_weight names class " +
                                               std::to_string(kv.first) + ", which is not in y"));
            }
            if (!(kv.second > 0.0) || !std::isfinite(kv.second)) {
                PROGNOS_THROW(invalid_argument(who + ": class_weight of class " +
                                               std::to_string(kv.first) + " must be > 0, got " +
                                               detail::describe_value(kv.second)));
            }
            w[static_cast<std::size_t>(it - classes.begin())] *= kv.second;
        }
        return w;
    }

    // Platt scaling for one pair: decision values from a seeded 5-fold cross-validation of the
    // same machine, then the sigmoid fit. A fold whose training part holds one class only
    // gives that class's sign as decision value.
    static void calibrate(const Matrix& X,
                          const std::vector<std::int8_t>& sign,
                          double c_pos,
                          double c_neg,
                          const KernelSpec& spec,
                          const detail::SmoSettings& settings,
                          double cache_bytes,
                          int pair,
                          std::uint64_t seed,
                          double& A,
                          double& B) {
        const Index l = X.rows();
        std::vector<Index> perm(static_cast<std::size_t>(l));
        for (Index i = 0; i < l; ++i) {
            perm[static_cast<std::size_t>(i)] = i;
        }
        Random rng(seed, static_cast<std::uint64_t>(pair));
        rng.shuffle(perm.begin(), perm.end());
        constexpr Index n_folds = 5;
        std::vector<double> dec(static_cast<std::size_t>(l), 0.0);
        for (Index f = 0; f < n_folds; ++f) {
            const Index begin = f * l / n_folds;
            const Index end = (f + 1) * l / n_folds;
            std::vector<Index> train;
            std::vector<std::int8_t> train_sign;
            for (Index t = 0; t < l; ++t) {
                if (t < begin || t >= end) {
                    train.push_back(perm[static_cast<std::size_t>(t)]);
                    train_sign.push_back(sign[static_cast<std::size_t>(train.back())]);
                }
            }
            const auto n_pos = std::count(train_sign.begin(), train_sign.end(), std::int8_t{1});
            const auto n_neg = static_cast<std::ptrdiff_t>(train_sign.size()) - n_pos;
            if (n_pos == 0 || n_neg == 0) {
                for (Index t = begin; t < end; ++t) {
                    dec[static_cast<std::size_t>(perm[static_cast<std::size_t>(t)])] =
                        n_pos > 0   ? 1.0
                        : n_neg > 0 ? -1.0
                                    : 0.0;
                }
                continue;
            }
            const Matrix Xt = detail::take_rows(X, train);
            const detail::BinarySolution sol = detail::train_binary(
                Xt, train_sign, c_pos, c_neg, spec, settings, cache_bytes, "SVC::fit");
            std::vector<Index> sv_rows;
            std::vector<double> sv_coef;
            for (std::size_t r = 0; r < train.size(); ++r) {
                if (sol.coef[r] != 0.0) {
                    sv_rows.push_back(static_cast<Index>(r));
                    sv_coef.push_back(sol.coef[r]);
                }
            }
            detail::SupportSet held;
            held.set(detail::take_rows(Xt, sv_rows), spec);
            std::vector<Index> test(perm.begin() + begin, perm.begin() + end);
            const Matrix D = held.decisions(
                detail::take_rows(X, test),
                Eigen::Map<const Matrix>(sv_coef.data(), static_cast<Index>(sv_coef.size()), 1),
                Vector::Constant(1, sol.rho));
            for (std::size_t t = 0; t < test.size(); ++t) {
                dec[static_cast<std::size_t>(test[t])] = D(static_cast<Index>(t), 0);
            }
        }
        std::vector<bool> positive(static_cast<std::size_t>(l));
        for (Index t = 0; t < l; ++t) {
            positive[static_cast<std::size_t>(t)] = sign[static_cast<std::size_t>(t)] > 0;
        }
        detail::sigmoid_train(dec, positive, A, B);
    }

    void calibrate(const Matrix& X,
                   const std::vector<std::int8_t>& sign,
                   double c_pos,
                   double c_neg,
                   const KernelSpec& spec,
                   const detail::SmoSettings& settings,
                   double cache_bytes,
                   int pair,
                   double& A,
                   double& B) const {
        calibrate(X, sign, c_pos, c_neg, spec, settings, cache_bytes, pair, params_.seed, A, B);
    }

    // Raw decisions: n × n_pairs, positive favours the pair's first class.
    Matrix raw_decisions(const Matrix& X) const { return support_set_.decisions(X, coef_, rho_); }

    void decisions_row(const double* x, double* dec) const {
        const Index n_pairs = coef_.cols();
        for (Index q = 0; q < n_pairs; ++q) {
            dec[q] = -rho_[q];
        }
        for (Index s = 0; s < support_set_.size(); ++s) {
            const double kv = support_set_.k(x, s);
            for (Index q = 0; q < n_pairs; ++q) {
                dec[q] += coef_(s, q) * kv;
            }
        }
    }

    // Index of the class with most pairwise wins; ties go to the lower class, as in libsvm.
    // `stride` steps between the pairs' values in `dec`.
    int vote(const double* dec, Index stride, int* votes) const {
        const int k = static_cast<int>(n_classes());
        std::fill(votes, votes + k, 0);
        int q = 0;
        for (int a = 0; a < k; ++a) {
            for (int b = a + 1; b < k; ++b, ++q) {
                ++votes[dec[static_cast<Index>(q) * stride] > 0.0 ? a : b];
            }
        }
        return static_cast<int>(std::max_element(votes, votes + k) - votes);
    }

    // Probabilities of one row from its raw decision values; `work` holds 2k² + k doubles.
    void proba_from_row(const double* dec, Index stride, double* out, double* work) const {
        const int k = static_cast<int>(n_classes());
        constexpr double min_prob = 1e-7;
        double* r = work;
        int q = 0;
        for (int a = 0; a < k; ++a) {
            for (int b = a + 1; b < k; ++b, ++q) {
                const double v = detail::sigmoid_predict(
                    dec[static_cast<Index>(q) * stride], prob_a_[q], prob_b_[q]);
                const double pv = std::min(std::max(v, min_prob), 1.0 - min_prob);
                r[a * k + b] = pv;
                r[b * k + a] = 1.0 - pv;
            }
        }
        if (k == 2) {
            out[0] = r[1];
            out[1] = r[2];
            return;
        }
        detail::couple(r, k, out, work + static_cast<std::size_t>(k) * k);
    }

    Matrix proba_from(const Matrix& D) const {
        const Index k = n_classes();
        Matrix P(D.rows(), k);
        std::vector<double> work(static_cast<std::size_t>(2 * k * k + k));
        std::vector<double> row(static_cast<std::size_t>(k));
        for (Index i = 0; i < D.rows(); ++i) {
            proba_from_row(D.data() + i, D.rows(), row.data(), work.data());
            for (Index c = 0; c < k; ++c) {
                P(i, c) = row[static_cast<std::size_t>(c)];
            }
        }
        return P;
    }

    void proba_row(const double* x, double* out) const {
        const Index k = n_classes();
        if (k > stack_classes) {
            std::vector<double> dec(static_cast<std::size_t>(coef_.cols()));
            std::vector<double> work(static_cast<std::size_t>(2 * k * k + k));
            decisions_row(x, dec.data());
            proba_from_row(dec.data(), 1, out, work.data());
            return;
        }
        std::array<double, stack_classes*(stack_classes - 1) / 2> dec{};
        std::array<double, 2 * stack_classes * stack_classes + stack_classes> work{};
        decisions_row(x, dec.data());
        proba_from_row(dec.data(), 1, out, work.data());
    }

    void check_probability(const char* who) const {
        if (!has_probability()) {
            PROGNOS_THROW(invalid_argument(std::string(who) +
                                           ": the model was fitted with probability = false; "
                                           "set Params::probability = true and fit again"));
        }
    }

    void check_input(const Matrix& X, const std::string& who) const {
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_finite(X, who);
    }

    void check_row(const double* x, const char* who) const {
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        check_finite_row(x, n_features_, who);
    }

    Params params_;
    IntVector classes_;
    IntVector support_;
    IntVector n_support_;
    detail::SupportSet support_set_;
    Matrix coef_;
    Vector rho_;
    Vector prob_a_;
    Vector prob_b_;
    Index n_features_ = 0;
    SvmFitStatus status_;
};

} // namespace prognos
