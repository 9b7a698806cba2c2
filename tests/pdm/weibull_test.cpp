// SPDX-License-Identifier: Apache-2.0
// Weibull maximum likelihood with right censoring: a closed-form case, recovery of known
// parameters from simulated censored lives, and the derived functions.
#include <prognos/core/random.hpp>
#include <prognos/pdm/weibull.hpp>

#include <cmath>
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

TEST_CASE("fit_weibull rejects data it cannot fit", "[pdm][weibull]") {
    prognos::Vector t(3);
    t << 10, 20, 30;
    prognos::IntVector f(3);
    f << 1, 0, 0;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f),
                        ptest::contains("needs at least 2 failures, got 1"));
    f << 1, 1, 0;
    t << 10, 10, 30;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f), ptest::contains("same time"));
    t << 10, -1, 30;
    REQUIRE_THROWS_WITH(prognos::fit_weibull(t, f), ptest::contains("times[1] is -1"));
}
