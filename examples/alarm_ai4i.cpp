// SPDX-License-Identifier: Apache-2.0
// alarm_ai4i: a cost-tuned alarm threshold on AI4I 2020.
//
//   alarm_ai4i [--data FILE] [--missed COST] [--false-alarm COST] [--class-weight none|balanced]
//              [--forest-seed N] [--out FILE] [--jobs N]
//
// A missed machine failure costs far more than a needless inspection. Defaults: a missed
// failure costs 5, a false alarm 1 (a stated ratio of 5:1). The forest pipeline of train_ai4i
// (readings, the physical quantities derived from them, a 100-tree forest) is
// cross-validated on the training part of the stratified 80/20 split (seed 42); the threshold
// minimising the expected cost on those out-of-fold probabilities is stored in the pipeline,
// which then decides the held-out rows and is saved with the threshold inside. The test rows
// play no part in choosing anything. Recall and precision are printed with exact 95%
// intervals: 68 test failures prove less than their point figures suggest. --forest-seed
// changes the forest only (not the split, not the folds), to show how much of a figure is luck.
#include <prognos/core/take.hpp>
#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/metrics.hpp>
#include <prognos/model_selection.hpp>
#include <prognos/pdm/alarm.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ai4i_pipeline.hpp"
#include "cli.hpp"

namespace {

struct Options {
    std::string data = PROGNOS_AI4I_CSV;
    std::string out = "ai4i_alarm.prognos";
    double missed = 5.0;
    double false_alarm = 1.0;
    bool balanced = false;
    std::uint64_t forest_seed = 42;
    int jobs = -1;
};

Options parse(int argc, char** argv) {
    const cli::Args args("alarm_ai4i",
                         "chooses a cost-optimal alarm threshold for the AI4I failure model",
                         "alarm_ai4i [--data FILE] [--missed COST] [--false-alarm COST] "
                         "[--class-weight none|balanced] [--forest-seed N] [--out FILE] "
                         "[--jobs N (0 or -1: all cores)]");
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        args.help_if_asked(flag);
        const char* value = args.value(argc, argv, i);
        if (flag == "--data") {
            o.data = value;
        } else if (flag == "--out") {
            o.out = value;
        } else if (flag == "--missed") {
            o.missed = args.real_above(flag, value, 0.0);
        } else if (flag == "--false-alarm") {
            o.false_alarm = args.real_above(flag, value, 0.0);
        } else if (flag == "--class-weight") {
            const std::string w = value;
            if (w != "none" && w != "balanced") {
                args.fail("--class-weight needs none or balanced, got '" + w + "'");
            }
            o.balanced = w == "balanced";
        } else if (flag == "--forest-seed") {
            o.forest_seed = static_cast<std::uint64_t>(args.whole(flag, value, 0, 1LL << 62));
        } else if (flag == "--jobs") {
            o.jobs = static_cast<int>(args.whole(flag, value, -1, 1024));
        } else {
            args.unknown(flag);
        }
    }
    return o;
}

void report(const char* name, const prognos::IntVector& y, const prognos::IntVector& pred) {
    const auto rec = prognos::recall_interval(y, pred);
    const auto prec = prognos::precision_interval(y, pred);
    std::printf("  %-28s F1 %.3f  recall %.3f [%.3f, %.3f]  precision %.3f [%.3f, %.3f]\n",
                name,
                prognos::f1(y, pred),
                rec.estimate,
                rec.lower,
                rec.upper,
                prec.estimate,
                prec.lower,
                prec.upper);
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    try {
        const prognos::Table data = prognos::read_csv(o.data);
        const prognos::Table X = data.drop(ai4i::not_features);
        const prognos::IntVector y = ai4i::failure_labels(data);
        const auto split = prognos::train_test_split(y, 0.2, 42);
        const prognos::Table X_train = X.take(split.train);
        const prognos::Table X_test = X.take(split.test);
        const prognos::IntVector y_train = prognos::take(y, split.train);
        const prognos::IntVector y_test = prognos::take(y, split.test);

        prognos::RandomForestClassifier::Params forest;
        forest.n_estimators = 100;
        forest.seed = o.forest_seed;
        forest.n_jobs = 1; // the folds run in parallel instead
        if (o.balanced) {
            forest.class_weight = prognos::ClassWeight::balanced();
        }
        ai4i::Pipeline pipeline = ai4i::make_pipeline(forest);

        // Out-of-fold failure probabilities of the training rows: 5 stratified folds.
        const auto folds = prognos::StratifiedKFold({5, true, 42}).split(y_train);
        const auto cv = prognos::cross_validate(
            pipeline,
            X_train,
            y_train,
            folds,
            [](const prognos::IntVector& t, const prognos::IntVector& p) {
                return prognos::f1(t, p);
            },
            o.jobs);
        const prognos::Vector oof = cv.probabilities.col(1);
        std::printf("AI4I 2020, stratified 80/20 split (seed 42): %zu training rows (%d "
                    "failures), %zu test rows (%d failures)\n",
                    X_train.rows(),
                    y_train.sum(),
                    X_test.rows(),
                    y_test.sum());
        std::printf("forest: 100 trees, seed %llu, class weights %s\n",
                    static_cast<unsigned long long>(o.forest_seed),
                    o.balanced ? "balanced" : "none");
        std::printf("5-fold CV F1 at the arg-max threshold: %.3f +- %.3f, out-of-fold ROC-AUC "
                    "%.3f\n",
                    cv.mean_score,
                    cv.std_score,
                    prognos::roc_auc(y_train, oof, 1));

        std::printf("\ncost-optimal thresholds on out-of-fold probabilities:\n");
        for (double ratio : {1.0, 2.0, 5.0, 10.0, 20.0}) {
            const auto t = prognos::cost_optimal_threshold(y_train, oof, ratio, 1.0);
            std::printf("  missed:false alarm = %4.0f:1  threshold %.3f  (CV: %ld missed, %ld "
                        "false alarms)\n",
                        ratio,
                        t.threshold,
                        static_cast<long>(t.missed),
                        static_cast<long>(t.false_alarms));
        }
        const auto chosen = prognos::cost_optimal_threshold(y_train, oof, o.missed, o.false_alarm);

        pipeline.fit(X_train, y_train);
        const prognos::Vector test_score = pipeline.predict_proba(X_test).col(1);
        std::printf("\nheld-out test rows, failure class: ROC-AUC %.3f, PR-AUC %.3f\n",
                    prognos::roc_auc(y_test, test_score, 1),
                    prognos::average_precision(y_test, test_score, 1));
        const prognos::IntVector argmax = pipeline.predict(X_test);
        report("arg-max (threshold 0.5)", y_test, argmax);
        pipeline.set_decision_threshold(chosen.threshold);
        const prognos::IntVector tuned = pipeline.predict(X_test);
        char name[64];
        std::snprintf(name,
                      sizeof name,
                      "cost %g:%g (threshold %.3f)",
                      o.missed,
                      o.false_alarm,
                      chosen.threshold);
        report(name, y_test, tuned);
        long missed = 0, false_alarms = 0;
        double argmax_cost = 0;
        for (prognos::Index i = 0; i < y_test.size(); ++i) {
            missed += (y_test[i] == 1 && tuned[i] == 0) ? 1 : 0;
            false_alarms += (y_test[i] == 0 && tuned[i] == 1) ? 1 : 0;
            argmax_cost += (y_test[i] == 1 && argmax[i] == 0)   ? o.missed
                           : (y_test[i] == 0 && argmax[i] == 1) ? o.false_alarm
                                                                : 0.0;
        }
        const double cost = o.missed * static_cast<double>(missed) +
                            o.false_alarm * static_cast<double>(false_alarms);
        // %g: the costs are whatever the user typed times a count, 1e300 included.
        std::printf("  at the chosen threshold: %ld missed failures, %ld false alarms, cost %g "
                    "(arg-max: cost %g)\n",
                    missed,
                    false_alarms,
                    cost,
                    argmax_cost);

        // The artifact says what its threshold was chosen for and how it did on held-out rows,
        // so whoever loads it (GET /model on the server shows this) can judge it.
        const auto rec = prognos::recall_interval(y_test, tuned);
        const auto prec = prognos::precision_interval(y_test, tuned);
        nlohmann::json metadata = ai4i::data_metadata(split, 42);
        metadata.update(
            {{"model",
              {{"n_estimators", forest.n_estimators},
               {"seed", o.forest_seed},
               {"class_weight", o.balanced ? "balanced" : "none"}}},
             {"alarm",
              {{"cost_missed_failure", o.missed},
               {"cost_false_alarm", o.false_alarm},
               {"threshold", chosen.threshold},
               {"chosen_on", "5-fold stratified out-of-fold probabilities of the training rows"}}},
             {"test_metrics",
              {{"roc_auc", prognos::roc_auc(y_test, test_score, 1)},
               {"f1", prognos::f1(y_test, tuned)},
               {"recall", rec.estimate},
               {"precision", prec.estimate},
               {"missed_failures", missed},
               {"false_alarms", false_alarms},
               {"cost", cost},
               {"cost_at_argmax", argmax_cost}}}});
        prognos::io::save(pipeline, o.out, metadata);
        std::printf("saved %s with decision threshold %.3f\n", o.out.c_str(), chosen.threshold);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "alarm_ai4i: %s\n", e.what());
        return 1;
    }
    return 0;
}
