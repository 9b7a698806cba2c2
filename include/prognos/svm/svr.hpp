// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// SVR: ε-insensitive support vector regression with a kernel (scikit-learn's SVR).
///
/// Errors smaller than epsilon cost nothing, so only rows on or outside the ε-tube become
/// support vectors. The dual has two variables per row (a and a*); the shared SMO solver
/// treats them as 2l variables over l kernel rows.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/svm/detail/common.hpp>
#include <prognos/svm/detail/smo.hpp>
#include <prognos/svm/kernel.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// ε-support vector regression.
class SVR {
public:
    /// Hyper-parameters, with scikit-learn's names and defaults.
    struct Params {
        /// Penalty for errors beyond the tube. > 0.
        double C = 1.0;
        /// Half-width of the tube in which errors cost nothing, in units of y. >= 0.
        double epsilon = 0.1;
        /// Kernel function.
        Kernel kernel = Kernel::rbf;
        /// Kernel coefficient for rbf, poly and sigmoid.
        Gamma gamma = Gamma::scale();
        /// Degree of the poly kernel.
        int degree = 3;
        /// Constant term of the poly and sigmoid kernels.
        double coef0 = 0.0;
        /// Use the shrinking heuristic.
        bool shrinking = true;
        /// Stopping tolerance of SMO.
        double tol = 1e-3;
        /// Kernel-row cache size in MB.
        double cache_size = 200.0;
        /// Threads computing kernel rows: a positive count, or -1 / 0 for every core (the
        /// forests' default). The fitted model is the same for every value: each kernel value is
        /// computed by the same instructions whichever thread computes it.
        int n_jobs = -1;
        /// SMO iteration limit; -1 (the default) for an automatic limit of
        /// max(10 000 000, 100 · n) iterations for n dual variables (rows; 2 · rows for SVR),
        /// libsvm's cap. Hitting it is not an error: status().converged turns false.
        long long max_iter = -1;
    };

    SVR() = default;

    /// An SVR with the given hyper-parameters (checked at fit).
    explicit SVR(Params params)
        : params_(std::move(params)) {}

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "SVR"; }

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Fits on X and finite targets y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for NaN/inf in X or y.
     */
    SVR& fit(const Matrix& X, const Vector& y) {
        const std::string who = "SVR::fit";
        check_training_shape(X, y.size(), who);
        detail::check_positive(who, "C", params_.C);
        if (!(params_.epsilon >= 0.0) || !std::isfinite(params_.epsilon)) {
            PROGNOS_THROW(invalid_argument(who + ": epsilon must be >= 0, got " +
                                           detail::describe_value(params_.epsilon)));
        }
        detail::check_solver_params(who, params_.tol, params_.cache_size, params_.max_iter);
        check_finite(X, who);
        for (Index i = 0; i < y.size(); ++i) {
            if (!std::isfinite(y[i])) {
                PROGNOS_THROW(bad_value(who + ": target of " + detail::row_name(i) + " is " +
                                            detail::describe_value(y[i]),
                                        i,
                                        -1));
            }
        }
        const KernelSpec spec = detail::resolve_kernel(
            params_.kernel, params_.gamma, params_.degree, params_.coef0, X, who);

        const Index l = X.rows();
        const auto n2 = static_cast<std::size_t>(2 * l);
        std::vector<double> p(n2);
        std::vector<std::int8_t> sign(n2);
        for (Index i = 0; i < l; ++i) {
            const auto a = static_cast<std::size_t>(i);
            const auto b = static_cast<std::size_t>(i + l);
            p[a] = params_.epsilon - y[i];
            p[b] = params_.epsilon + y[i];
            sign[a] = 1;
            sign[b] = -1;
        }
        const int threads = detail::solver_threads(who, params_.n_jobs);
        detail::SvrQ Q(X, spec, params_.cache_size * 1024.0 * 1024.0, threads, who);
        detail::SmoSolver solver;
        const detail::SmoResult r =
            solver.solve(Q,
                         std::move(p),
                         std::move(sign),
                         std::vector<double>(n2, params_.C),
                         std::vector<double>(n2, 0.0),
                         {params_.tol, params_.max_iter, params_.shrinking, threads});
        detail::check_solution(who, r);

        std::vector<Index> support;
        std::vector<double> coef;
        for (Index i = 0; i < l; ++i) {
            const double c =
                r.alpha[static_cast<std::size_t>(i)] - r.alpha[static_cast<std::size_t>(i + l)];
            if (c != 0.0) {
                support.push_back(i);
                coef.push_back(c);
            }
        }
        support_set_.set(detail::take_rows(X, support), spec);
        coef_ = Eigen::Map<const Vector>(coef.data(), static_cast<Index>(coef.size()));
        support_.resize(static_cast<Index>(support.size()));
        for (std::size_t s = 0; s < support.size(); ++s) {
            support_[static_cast<Index>(s)] = static_cast<int>(support[s]);
        }
        rho_ = r.rho;
        n_features_ = X.cols();
        status_ = {r.converged, r.n_iter, r.objective};
        return *this;
    }

    /// Predicted targets, one per row of X.
    Vector predict(const Matrix& X) const {
        const char* who = "SVR::predict";
        check_fitted(is_fitted(), who);
        check_n_features(n_features_, X.cols(), who);
        check_finite(X, who);
        return support_set_.decisions(X, coef_, Vector::Constant(1, rho_)).col(0);
    }

    /// Prediction for one row of n_features() values; allocates nothing.
    double predict_row(const double* x) const {
        const char* who = "SVR::predict_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        check_finite_row(x, n_features_, who);
        double s = -rho_;
        for (Index k = 0; k < support_set_.size(); ++k) {
            s += coef_[k] * support_set_.k(x, k);
        }
        return s;
    }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return n_features_ > 0; }

    /// Training-row indices of the support vectors, ascending.
    const IntVector& support() const noexcept { return support_; }

    /// Coefficients a - a* of the support vectors.
    const Vector& dual_coef() const noexcept { return coef_; }

    /// The intercept (-rho): prediction = Σ coef · K + intercept.
    double intercept() const noexcept { return -rho_; }

    /// The kernel with gamma resolved.
    const KernelSpec& kernel() const noexcept { return support_set_.kernel; }

    /// How the last fit ended.
    const SvmFitStatus& status() const noexcept { return status_; }

    /// Saves or loads parameters and the fitted machine, checking sizes on load.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("C", params_.C);
        ar("epsilon", params_.epsilon);
        detail::serialize_kernel_params(ar, params_);
        std::int64_t n_features = n_features_;
        ar("n_features", n_features);
        std::vector<int> support(support_.data(), support_.data() + support_.size());
        ar("support", support);
        detail::serialize_support(ar, support_set_);
        ar("dual_coef", coef_);
        ar("rho", rho_);
        ar("converged", status_.converged);
        std::int64_t n_iter = status_.n_iter;
        ar("n_iter", n_iter);
        ar("objective", status_.objective);
        if (Archive::loading) {
            ar.require(n_features >= 1, "n_features must be >= 1");
            ar.require(support_set_.sv.cols() == n_features || support_set_.size() == 0,
                       "support_vectors must have n_features columns");
            ar.require(coef_.size() == support_set_.size() &&
                           static_cast<Index>(support.size()) == support_set_.size(),
                       "dual_coef and support need one entry per support vector");
            ar.require(coef_.allFinite() && std::isfinite(rho_),
                       "dual_coef and rho must be finite");
            ar.require(std::isfinite(params_.C) && params_.C > 0.0, "C must be > 0");
            ar.require(std::isfinite(params_.epsilon) && params_.epsilon >= 0.0,
                       "epsilon must be >= 0");
            support_ =
                Eigen::Map<const IntVector>(support.data(), static_cast<Index>(support.size()));
            n_features_ = static_cast<Index>(n_features);
            status_.n_iter = static_cast<long long>(n_iter);
            if (support_set_.size() > 0) {
                double s = -rho_;
                for (Index k = 0; k < support_set_.size(); ++k) {
                    s += coef_[k] * support_set_.k(support_set_.sv.data(), k);
                }
                detail::require_finite_decision(ar, s);
            }
        }
    }

private:
    Params params_;
    detail::SupportSet support_set_;
    Vector coef_;
    IntVector support_;
    double rho_ = 0.0;
    Index n_features_ = 0;
    SvmFitStatus status_;
};

} // namespace prognos
