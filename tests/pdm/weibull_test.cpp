// SPDX-License-Identifier: Apache-2.0
// Weibull maximum likelihood with right censoring: a closed-form case, recovery of known
// parameters from simulated censored lives, and the derived functions.
#include <prognos/core/random.hpp>
#include <prognos/pdm/weibull.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/catch.hpp"

namespace {

// n lives from Weibull(beta, eta) by inversion, t = eta (-ln U)^(1/beta); each unit is also
// withdrawn at a uniform time in [0, 3 eta) and the test stops at `stop` (type I censoring).
void simulate(
    double beta, double eta, int n, double stop, prognos::Vector& t, prognos::IntVector& failed) {
    prognos::Random rng(2024);
    t.resize(n);
    failed.resize(n);
    for (int i = 0; i < n; ++i) {
        const double life = eta * std::pow(-std::log(1.0 - rng.uniform01()), 1.0 / beta);
        const double withdrawn = 3.0 * eta * rng.uniform01() + 1e-9;
        const double end = std::min(stop, withdrawn);
        failed[i] = life <= end ? 1 : 0;
        t[i] = failed[i] == 1 ? life : end;
    }
}

} // namespace

TEST_CASE("two failures at 1 and e^a have the closed-form Weibull MLE", "[pdm][weibull]") {
    // With ln t = 0 and a, the profile equation reduces to (a/2) tanh(a beta/2) = 1/beta,
    // i.e. x tanh x = 1 with x = a beta / 2, whose root is x* = 1.19967864025773 (the
    // solution of x = coth x). Then beta = 2 x* / a and eta = ((1 + e^(a beta)) / 2)^(1/beta).
    const double x_star = 1.19967864025773;
    for (double a : {0.5, std::log(2.0), 2.0}) {
        prognos::Vector t(2);
        t << 1.0, std::exp(a);
        prognos::IntVector failed(2);
        failed << 1, 1;
        const auto fit = prognos::fit_weibull(t, failed);
        const double beta = 2 * x_star / a;
        CHECK(fit.shape() == Approx(beta).epsilon(1e-12));
        CHECK(fit.scale() ==
              Approx(std::pow((1 + std::exp(a * beta)) / 2, 1 / beta)).epsilon(1e-12));
        // Scaling every time scales eta and leaves beta.
        const auto scaled = prognos::fit_weibull(t * 1000.0, failed);
        CHECK(scaled.shape() == Approx(fit.shape()).epsilon(1e-12));
        CHECK(scaled.scale() == Approx(1000.0 * fit.scale()).epsilon(1e-12));
    }
}

TEST_CASE("the Weibull fit recovers known parameters from censored simulated lives",
          "[pdm][weibull]") {
    for (double beta : {0.8, 2.0, 4.0}) {
        prognos::Vector t;
        prognos::IntVector failed;
        simulate(beta, 100.0, 4000, 150.0, t, failed);
        const auto censored = failed.size() - failed.sum();
        REQUIRE(censored > 800); // a real censoring test, not a complete sample
        const auto fit = prognos::fit_weibull(t, failed);
        INFO("beta " << beta << ": fitted " << fit.shape() << ", " << fit.scale());
        // Standard errors at n = 4000 are about 1.5% for beta and 1% for eta; 5% is > 3 se.
        CHECK(fit.shape() == Approx(beta).epsilon(0.05));
        CHECK(fit.scale() == Approx(100.0).epsilon(0.05));
        CHECK(fit.n_censored() == censored);
        const auto sb = fit.shape_bounds(0.999);
        const auto eb = fit.scale_bounds(0.999);
        CHECK(sb.lower < beta);
        CHECK(beta < sb.upper);
        CHECK(eb.lower < 100.0);
        CHECK(100.0 < eb.upper);
        const double b10 = 100.0 * std::pow(-std::log(0.9), 1.0 / beta);
        const auto bb = fit.b_life_bounds(0.10, 0.999);
        CHECK(bb.lower < b10);
        CHECK(b10 < bb.upper);
    }
}

TEST_CASE("Weibull reliability hazard and B-life follow the closed forms", "[pdm][weibull]") {
    const prognos::WeibullFit w(2.0, 100.0, 0.01, 4.0, 0.0);
    CHECK(w.reliability(100.0) == Approx(std::exp(-1.0)));
    CHECK(w.reliability(50.0) == Approx(std::exp(-0.25)));
    CHECK(w.hazard(50.0) == Approx(2.0 / 100.0 * 0.5)); // (beta/eta)(t/eta)^(beta-1)
    CHECK(w.pdf(50.0) == Approx(w.hazard(50.0) * w.reliability(50.0)));
    CHECK(w.b_life(0.10) == Approx(100.0 * std::sqrt(-std::log(0.9))));
    // Bounds bracket the estimate and tighten with lower confidence.
    const auto r95 = w.reliability_bounds(80.0, 0.95);
    const auto r50 = w.reliability_bounds(80.0, 0.50);
    CHECK(r95.lower < r50.lower);
    CHECK(r50.lower < w.reliability(80.0));
    CHECK(w.reliability(80.0) < r50.upper);
    CHECK(r50.upper < r95.upper);
    // Scale bounds: eta * exp(-+1.959964 * se / eta), se = 2.
    const auto eb = w.scale_bounds(0.95);
    CHECK(eb.lower == Approx(100.0 * std::exp(-1.959963985 * 0.02)));
    CHECK(eb.upper == Approx(100.0 * std::exp(1.959963985 * 0.02)));
    REQUIRE_THROWS_WITH(w.b_life(1.5), ptest::contains("must lie in (0, 1)"));
}

namespace {

// Root of h on [lo, hi] by plain bisection (h(lo) < 0 < h(hi)): an independent check that does
// not share the library's Newton iteration.
template <class F>
double bisect(F h, double lo, double hi) {
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (h(mid) < 0.0 ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

} // namespace

TEST_CASE("fit_weibull fits failures that all share one time when others ran longer",
          "[pdm][weibull]") {
    // 3 failures at 500 h, 10 units censored at 1000 h. With x = 2^beta the profile equation
    // 1/beta + ln 500 - (3 ln 500 + 10 x ln 1000) / (3 + 10 x) = 0 reduces to
    // 3 + 10 x = 10 beta x ln 2, and eta = 500 ((3 + 10 x) / 3)^(1/beta). mpmath (40 digits)
    // gives beta = 1.58678264528998, eta = 2267.64928864834, and the inverse of its numerical
    // Hessian of the log-likelihood var(beta) = 0.763081151109509, var(eta) = 1892237.38815210,
    // cov = -961.485120318449; scipy's brentq on the unreduced equation agrees.
    prognos::Vector t(13);
    prognos::IntVector f(13);
    for (int i = 0; i < 13; ++i) {
        t[i] = i < 3 ? 500.0 : 1000.0;
        f[i] = i < 3 ? 1 : 0;
    }
    const auto fit = prognos::fit_weibull(t, f);
    const double beta = bisect(
        [](double b) {
            const double x = std::pow(2.0, b);
            return 10 * b * x * std::log(2.0) - 3 - 10 * x;
        },
        0.5,
        5.0);
    CHECK(beta == Approx(1.58678264528998).epsilon(1e-12));
    CHECK(fit.shape() == Approx(beta).epsilon(1e-12));
    CHECK(fit.scale() ==
          Approx(500 * std::pow((3 + 10 * std::pow(2.0, beta)) / 3, 1 / beta)).epsilon(1e-12));
    CHECK(fit.scale() == Approx(2267.64928864834).epsilon(1e-12));
    CHECK(fit.var_shape() == Approx(0.763081151109509).epsilon(1e-9));
    CHECK(fit.var_scale() == Approx(1892237.38815210).epsilon(1e-9));
    CHECK(fit.cov_shape_scale() == Approx(-961.485120318449).epsilon(1e-9));
    CHECK(fit.n_failures() == 3);
    CHECK(fit.n_censored() == 10);
}

TEST_CASE("fit_weibull fits one failure when other units ran longer", "[pdm][weibull]") {
    // A failure at 1 and three units censored at 2: the profile equation
    // 1/beta + 0 - 3 x ln 2 / (1 + 3 x) = 0, x = 2^beta, is 1 + 3 x = 3 beta x ln 2, and
    // eta = (1 + 3 x)^(1/beta) (r = 1). mpmath: beta = 1.60120039485187, eta = 4.23916655331898.
    prognos::Vector t(4);
    t << 1, 2, 2, 2;
    prognos::IntVector f(4);
    f << 1, 0, 0, 0;
    const double beta = bisect(
        [](double b) {
            const double x = std::pow(2.0, b);
            return 3 * b * x * std::log(2.0) - 1 - 3 * x;
        },
        0.5,
        5.0);
    CHECK(beta == Approx(1.60120039485187).epsilon(1e-12));
    for (double unit : {1.0, 1000.0}) {
        const auto fit = prognos::fit_weibull(t * unit, f);
        CHECK(fit.shape() == Approx(beta).epsilon(1e-12));
        CHECK(fit.scale() ==
              Approx(unit * std::pow(1 + 3 * std::pow(2.0, beta), 1 / beta)).epsilon(1e-12));
        CHECK(fit.n_failures() == 1);
    }
}

TEST_CASE("fit_weibull rejects data without a maximum-likelihood fit", "[pdm][weibull]") {
    prognos::Vector t(3);
    prognos::IntVector f(3);
    // No failure: the likelihood increases without bound in eta.
    t << 10, 20, 30;
    f << 0, 0, 0;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f), ptest::contains("no failures among 3"));
    // Every failure at the largest time of all units: the profile likelihood
    // r ln beta + beta (sum ln t_j - r ln t_max) - r ln(count at t_max) grows like r ln beta.
    t << 10, 30, 30;
    f << 0, 1, 1;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f),
                        ptest::contains("every failure is at the largest time of all units (30)"));
    t << 30, 30, 30;
    f << 1, 1, 1;
    REQUIRE_THROWS_AS(prognos::fit_weibull(t, f), prognos::invalid_argument);
    t << 5, 30, 30;
    f << 0, 1, 0; // the one failure ties with a censored unit at the end: still unbounded
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f), ptest::contains("largest time"));
    t << 10, -1, 30;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f), ptest::contains("times[1] is -1"));
}

TEST_CASE("fit_weibull handles or reports extreme spreads instead of clamping", "[pdm][weibull]") {
    // 1e-300, 1e-299 and 1e300, all failed: t / t_max underflowed to 0 before, ln 0 made the
    // profile NaN and the bracket end 0.001 came back as the shape. In logs the root is
    // beta = 0.00153315217902422 (scipy brentq on the profile equation in ln t).
    prognos::Vector t(3);
    t << 1e-300, 1e-299, 1e300;
    prognos::IntVector f(3);
    f << 1, 1, 1;
    const auto fit = prognos::fit_weibull(t, f);
    CHECK(fit.shape() == Approx(0.00153315217902422).epsilon(1e-9));
    CHECK(std::isfinite(fit.scale()));
    // Two failures 1e-12 apart: the root is near 2.4e12, past the 1e6 end of the bracket,
    // which used to be returned as the shape.
    prognos::Vector t2(2);
    t2 << 1.0, 1.0 + 1e-12;
    prognos::IntVector f2(2);
    f2 << 1, 1;
    REQUIRE_THROWS_AS(prognos::fit_weibull(t2, f2), prognos::numerical_error);
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t2, f2), ptest::contains("above 1e6"));
    // A failure at 1e-300 and a unit censored at 1e300: g(0.001) = +104 (scipy), the root
    // (about 0.000925) is below the bracket.
    prognos::Vector t3(2);
    t3 << 1e-300, 1e300;
    prognos::IntVector f3(2);
    f3 << 1, 0;
    REQUIRE_THROWS_AS(prognos::fit_weibull(t3, f3), prognos::numerical_error);
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t3, f3), ptest::contains("below 0.001"));
}

TEST_CASE("WeibullFit functions at infinity zero and NaN", "[pdm][weibull]") {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (double beta : {0.5, 1.0, 2.0}) {
        const prognos::WeibullFit w(beta, 100.0, 0.01, 4.0, 0.0);
        // R(inf) = exp(-inf) = 0, f(inf) = 0; h(t) = (beta/eta)(t/eta)^(beta-1) tends to
        // inf, 1/eta, 0 for beta > 1, = 1, < 1.
        CHECK(w.reliability(inf) == 0.0);
        CHECK(w.pdf(inf) == 0.0);
        CHECK(w.hazard(inf) == (beta > 1 ? inf : beta == 1 ? 0.01 : 0.0));
        CHECK(w.reliability_bounds(inf).lower == 0.0);
        CHECK(w.reliability_bounds(inf).upper == 0.0);
        // At 0 from the right: f = h = inf, 1/eta, 0; R = 1. Below 0 nothing can fail.
        CHECK(w.reliability(0.0) == 1.0);
        CHECK(w.pdf(0.0) == (beta < 1 ? inf : beta == 1 ? 0.01 : 0.0));
        CHECK(w.hazard(0.0) == w.pdf(0.0));
        CHECK(w.pdf(-1.0) == 0.0);
        CHECK(w.hazard(-1.0) == 0.0);
        CHECK(w.reliability(-1.0) == 1.0);
        // Huge t: (t/eta)^(beta-1) overflows while R underflows; the density is 0, not NaN.
        CHECK(w.pdf(1e300) == 0.0);
        REQUIRE_THROWS_WITH(w.reliability(nan),
                            ptest::contains("WeibullFit::reliability: t is NaN"));
        REQUIRE_THROWS_WITH(w.pdf(nan), ptest::contains("WeibullFit::pdf: t is NaN"));
        REQUIRE_THROWS_WITH(w.hazard(nan), ptest::contains("WeibullFit::hazard: t is NaN"));
        REQUIRE_THROWS_WITH(w.reliability_bounds(nan),
                            ptest::contains("WeibullFit::reliability_bounds: t is NaN"));
        REQUIRE_THROWS_AS(w.b_life(nan), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.b_life_bounds(nan), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.b_life_bounds(0.1, nan), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.shape_bounds(nan), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.scale_bounds(inf), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.reliability_bounds(10.0, nan), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.b_life(0.0), prognos::invalid_argument);
        REQUIRE_THROWS_AS(w.b_life(1.0), prognos::invalid_argument);
    }
    REQUIRE_THROWS_WITH(prognos::WeibullFit(nan, 1.0), ptest::contains("positive and finite"));
    REQUIRE_THROWS_AS(prognos::WeibullFit(2.0, inf), prognos::invalid_argument);
    REQUIRE_THROWS_AS(prognos::WeibullFit(2.0, 0.0), prognos::invalid_argument);
}
