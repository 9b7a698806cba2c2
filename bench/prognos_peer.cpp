// SPDX-License-Identifier: Apache-2.0
//
// prognos in the peer benchmark table of ../shared/peers (see its README, "Adding prognos to
// the table"):
//
//     prognos_peer MODEL TRAIN.csv TEST.csv        MODEL: dt | rf | svm | mlp
//
// Reads the harness's split files (header row, numeric features, 0/1 label last), trains with
// the harness's settings and prints one line `RESULT {json}`. Models prognos does not have yet
// print a RESULT with status "unsupported". Timing follows the harness: fit includes copying
// the rows into a prognos::Matrix, batch predict includes building the test matrix, and
// single-row latency is 1000 individually timed predict_row calls after 50 warm-up calls,
// cycling through the test rows, reported as the 50th / 99th percentile in microseconds.

#include <prognos/ensemble/random_forest.hpp>
#include <prognos/neural/mlp.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>
#include <prognos/svm/svc.hpp>
#include <prognos/tree/decision_tree.hpp>
#include <prognos/version.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Rows of a split file: features row-major, labels apart.
struct Rows {
    int n = 0;
    int d = 0;
    std::vector<double> x;
    std::vector<int> y;
};

Rows read_split(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    std::string line;
    std::getline(in, line);
    Rows r;
    r.d = static_cast<int>(std::count(line.begin(), line.end(), ','));
    std::vector<double> vals;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        vals.clear();
        const char* p = line.c_str();
        char* end = nullptr;
        for (;;) {
            vals.push_back(std::strtod(p, &end));
            if (end == p) {
                throw std::runtime_error("bad number in " + path + ": " + line);
            }
            if (*end != ',') {
                break;
            }
            p = end + 1;
        }
        if (static_cast<int>(vals.size()) != r.d + 1) {
            throw std::runtime_error("wrong column count in " + path + ": " + line);
        }
        r.x.insert(r.x.end(), vals.begin(), vals.end() - 1);
        r.y.push_back(static_cast<int>(std::lround(vals.back())));
        ++r.n;
    }
    return r;
}

prognos::Matrix to_matrix(const Rows& r) {
    prognos::Matrix X(r.n, r.d);
    for (int i = 0; i < r.n; ++i) {
        for (int j = 0; j < r.d; ++j) {
            X(i, j) = r.x[static_cast<std::size_t>(i) * r.d + j];
        }
    }
    return X;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// numpy's default (linear) percentile, q in [0, 100].
double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double k = (static_cast<double>(v.size()) - 1) * q / 100.0;
    const auto lo = static_cast<std::size_t>(std::floor(k));
    const auto hi = static_cast<std::size_t>(std::ceil(k));
    return v[lo] + (v[hi] - v[lo]) * (k - static_cast<double>(lo));
}

struct Latency {
    double p50 = NAN;
    double p99 = NAN;
};

// 50 warm-up calls, then 1000 calls each timed alone; rows cycle through the test set.
Latency single_row_latency(int n_rows, const std::function<double(int)>& call) {
    volatile double sink = 0;
    for (int k = 0; k < 50; ++k) {
        sink = sink + call(k % n_rows);
    }
    std::vector<double> us(1000);
    for (int k = 0; k < 1000; ++k) {
        const int i = (k + 50) % n_rows;
        const auto t0 = std::chrono::steady_clock::now();
        const double r = call(i);
        const auto t1 = std::chrono::steady_clock::now();
        sink = sink + r;
        us[static_cast<std::size_t>(k)] =
            std::chrono::duration<double, std::micro>(t1 - t0).count();
    }
    return {percentile(us, 50), percentile(us, 99)};
}

struct Scores {
    double accuracy = NAN;
    double f1 = NAN;
    double auc = NAN;
};

// Accuracy, F1 of class 1, and ROC-AUC as the Mann-Whitney statistic with tied scores sharing
// their average rank.
Scores
score(const std::vector<int>& y, const std::vector<int>& pred, const std::vector<double>& s) {
    Scores out;
    long tp = 0, fp = 0, fn = 0, correct = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        correct += y[i] == pred[i];
        tp += y[i] == 1 && pred[i] == 1;
        fp += y[i] != 1 && pred[i] == 1;
        fn += y[i] == 1 && pred[i] != 1;
    }
    out.accuracy = static_cast<double>(correct) / static_cast<double>(y.size());
    out.f1 = tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
    std::vector<std::size_t> order(y.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::sort(
        order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
    double positive_rank_sum = 0;
    double n_pos = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && s[order[j]] == s[order[i]]) {
            ++j;
        }
        const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k) {
            if (y[order[k]] == 1) {
                positive_rank_sum += rank;
                n_pos += 1;
            }
        }
        i = j;
    }
    const double n_neg = static_cast<double>(y.size()) - n_pos;
    if (n_pos > 0 && n_neg > 0) {
        out.auc = (positive_rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
    }
    return out;
}

// A field of /proc/self/status in MB (VmHWM = peak resident set, VmRSS = current).
double status_mb(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, key.size() + 1, key + ":") == 0) {
            return std::atof(line.c_str() + key.size() + 1) / 1024.0;
        }
    }
    return NAN;
}

std::string dataset_of(const std::string& train_path) {
    std::string base = train_path.substr(train_path.find_last_of('/') + 1);
    const auto cut = base.rfind("_train");
    return cut == std::string::npos ? base : base.substr(0, cut);
}

// One flat JSON object, keys in insertion order.
class JsonLine {
public:
    JsonLine& text(const std::string& key, const std::string& value) {
        open(key);
        body_ << '"';
        for (char c : value) {
            if (c == '"' || c == '\\') {
                body_ << '\\';
            }
            body_ << c;
        }
        body_ << '"';
        return *this;
    }

    JsonLine& number(const std::string& key, double value) {
        open(key);
        if (std::isfinite(value)) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.10g", value);
            body_ << buf;
        } else {
            body_ << "null";
        }
        return *this;
    }

    std::string str() const { return "{" + body_.str() + "}"; }

private:
    void open(const std::string& key) {
        if (!first_) {
            body_ << ", ";
        }
        first_ = false;
        body_ << '"' << key << "\": ";
    }

    std::ostringstream body_;
    bool first_ = true;
};

// The harness's svm: StandardScaler then SVC (RBF, C = 1, gamma = 'scale', tol = 1e-3). Fit
// and batch predict include scaling; a single row is scaled into a stack buffer and passed to
// predict_row, so that path allocates nothing either.
int run_svm(const std::string& train_path,
            const std::string& test_path,
            const std::string& system,
            const std::string& dataset) {
    const Rows train = read_split(train_path);
    const Rows test = read_split(test_path);
    if (train.d != test.d || train.d > 256) {
        throw std::runtime_error("train and test differ in feature count (or more than 256)");
    }
    const double base_rss = status_mb("VmRSS");
    const prognos::IntVector ytr = Eigen::Map<const prognos::IntVector>(train.y.data(), train.n);
    prognos::StandardScaler scaler;
    prognos::SVC::Params sp;
    sp.C = 1.0;
    sp.kernel = prognos::Kernel::rbf;
    sp.gamma = prognos::Gamma::scale();
    sp.tol = 1e-3;
    // PROGNOS_PEER_SVM_JOBS sets n_jobs (default -1, every core): 1 compares like for like with
    // the single-threaded peers, and on a loaded machine a two-thread process also gets two
    // shares of the CPU, which flatters it.
    if (const char* jobs = std::getenv("PROGNOS_PEER_SVM_JOBS")) {
        sp.n_jobs = std::atoi(jobs);
    }
    prognos::SVC svc(sp);

    auto t0 = std::chrono::steady_clock::now();
    {
        const prognos::Matrix X = to_matrix(train);
        scaler.fit(X);
        svc.fit(scaler.transform(X), ytr);
    }
    const double fit_s = seconds_since(t0);

    prognos::IntVector labels;
    t0 = std::chrono::steady_clock::now();
    {
        const prognos::Matrix Xte = to_matrix(test);
        labels = svc.predict(scaler.transform(Xte));
    }
    const double batch_s = seconds_since(t0);

    // AUC from the decision value (positive favours class 1), untimed.
    const prognos::Matrix dec = svc.decision_function(scaler.transform(to_matrix(test)));
    std::vector<double> s(static_cast<std::size_t>(test.n));
    for (int i = 0; i < test.n; ++i) {
        s[static_cast<std::size_t>(i)] = dec(i, 0);
    }
    const std::vector<int> pred(labels.data(), labels.data() + labels.size());
    const Scores sc = score(test.y, pred, s);

    const prognos::Vector mean = scaler.mean();
    const prognos::Vector scale = scaler.scale();
    const Latency lat = single_row_latency(test.n, [&](int i) {
        double z[256];
        const double* x = test.x.data() + static_cast<std::size_t>(i) * test.d;
        for (int j = 0; j < test.d; ++j) {
            z[j] = (x[j] - mean[j]) / scale[j];
        }
        return static_cast<double>(svc.predict_row(z));
    });
    const double peak = status_mb("VmHWM");

    JsonLine j;
    j.text("system", system).text("model", "svm").text("dataset", dataset);
    j.number("n_train", train.n).number("n_test", test.n).number("n_features", train.d);
    j.text("config",
           "StandardScaler + SVC(rbf, C=1, gamma=scale, tol=1e-3, cache 200 MB, n_jobs=" +
               std::to_string(sp.n_jobs) + ")");
    j.number("fit_s", fit_s).number("batch_predict_s", batch_s);
    j.number("single_row_us_p50", lat.p50).number("single_row_us_p99", lat.p99);
    j.number("accuracy", sc.accuracy).number("f1", sc.f1).number("auc", sc.auc);
    j.number("peak_rss_mb", peak).number("base_rss_mb", base_rss);
    j.number("n_support", static_cast<double>(svc.support().size()));
    j.number("n_iter", static_cast<double>(svc.status().n_iter));
    j.text("converged", svc.status().converged ? "yes" : "no");
    j.number("threads", 1);
    j.text("status", "ok");
    std::printf("RESULT %s\n", j.str().c_str());
    return 0;
}

// The harness's mlp: StandardScaler, then 64-32 relu units trained by Adam with early stopping
// on 10% of the rows, at most 200 epochs (scikit-learn's settings). Single-row latency includes
// scaling the raw row, as the harness asks. Scalar is the network's number type.
template <class Scalar>
int run_mlp(const Rows& train,
            const Rows& test,
            const std::string& system,
            const std::string& dataset) {
    using Model = prognos::BasicMLPClassifier<Scalar>;
    const double base_rss = status_mb("VmRSS");
    const prognos::IntVector ytr = Eigen::Map<const prognos::IntVector>(train.y.data(), train.n);
    typename Model::Params p;
    p.hidden_layer_sizes = {64, 32};
    p.activation = prognos::Activation::relu;
    p.solver = prognos::Solver::adam;
    p.max_iter = 200;
    p.early_stopping = true;
    // Stopping on the held-out loss rather than accuracy: see the config text and
    // docs/limitations.md. PROGNOS_PEER_MLP_STOP=score gives scikit-learn's rule.
    const char* stop = std::getenv("PROGNOS_PEER_MLP_STOP");
    const bool on_score = stop != nullptr && std::string(stop) == "score";
    p.early_stopping_metric =
        on_score ? prognos::EarlyStoppingMetric::score : prognos::EarlyStoppingMetric::loss;
    p.seed = 0;
    if (const char* seed = std::getenv("PROGNOS_PEER_SEED")) {
        p.seed = std::strtoull(seed, nullptr, 10); // for checking seed-to-seed spread
    }
    prognos::StandardScaler scaler;
    Model mlp(p);

    auto t0 = std::chrono::steady_clock::now();
    {
        const prognos::Matrix X = to_matrix(train);
        mlp.fit(scaler.fit_transform(X), ytr);
    }
    const double fit_s = seconds_since(t0);

    prognos::IntVector labels;
    t0 = std::chrono::steady_clock::now();
    labels = mlp.predict(scaler.transform(to_matrix(test)));
    const double batch_s = seconds_since(t0);

    const prognos::Matrix proba = mlp.predict_proba(scaler.transform(to_matrix(test)));
    std::vector<double> s(static_cast<std::size_t>(test.n));
    for (int i = 0; i < test.n; ++i) {
        s[static_cast<std::size_t>(i)] = proba(i, 1);
    }
    const std::vector<int> pred(labels.data(), labels.data() + labels.size());
    const Scores sc = score(test.y, pred, s);

    // Single rows: scale the raw row into a stack buffer, then the allocation-free row call.
    const double* mean = scaler.mean().data();
    const double* scale = scaler.scale().data();
    const auto scaled = [&](int i, double* z) {
        const double* x = test.x.data() + static_cast<std::size_t>(i) * test.d;
        for (int j = 0; j < test.d; ++j) {
            z[j] = (x[j] - mean[j]) / scale[j];
        }
    };
    double z[256];
    if (test.d > 256) {
        throw std::runtime_error("prognos_peer mlp: at most 256 features");
    }
    const Latency lat = single_row_latency(test.n, [&](int i) {
        scaled(i, z);
        return static_cast<double>(mlp.predict_row(z));
    });
    double out[2];
    const Latency lat_proba = single_row_latency(test.n, [&](int i) {
        scaled(i, z);
        mlp.predict_proba_row(z, out);
        return out[1];
    });
    const double peak = status_mb("VmHWM");

    JsonLine j;
    j.text("system", system).text("model", "mlp").text("dataset", dataset);
    j.number("n_train", train.n).number("n_test", test.n).number("n_features", train.d);
    j.text("config",
           std::string("StandardScaler + ") + Model::type_name() +
               "(64-32, relu, adam, lr 1e-3, alpha 1e-4, batch 200, early_stopping on " +
               (on_score ? "validation accuracy" : "validation log-loss") +
               ", validation_fraction=0.1 n_iter_no_change=10 tol=1e-4, max_iter=200, seed=" +
               std::to_string(p.seed) + ")");
    j.number("fit_s", fit_s).number("batch_predict_s", batch_s);
    j.number("single_row_us_p50", lat.p50).number("single_row_us_p99", lat.p99);
    j.number("accuracy", sc.accuracy).number("f1", sc.f1).number("auc", sc.auc);
    j.number("peak_rss_mb", peak).number("base_rss_mb", base_rss);
    j.number("proba_single_row_us_p50", lat_proba.p50);
    j.number("proba_single_row_us_p99", lat_proba.p99);
    j.number("n_iter", mlp.n_iter());
    j.number("fit_s_per_epoch", fit_s / mlp.n_iter());
    j.number("threads", 1);
    j.text("status", "ok");
    std::printf("RESULT %s\n", j.str().c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: prognos_peer dt|rf|svm|mlp TRAIN.csv TEST.csv\n");
        return 2;
    }
    const std::string model = argv[1];
    const std::string system = std::string("prognos-") + PROGNOS_VERSION_STRING;
    const std::string dataset = dataset_of(argv[2]);
    if (model == "svm") {
        try {
            return run_svm(argv[2], argv[3], system, dataset);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "prognos_peer: %s\n", e.what());
            return 1;
        }
    }
    if (model != "dt" && model != "rf" && model != "mlp") {
        JsonLine j;
        j.text("system", system).text("model", model).text("dataset", dataset);
        j.text("status", "unsupported");
        std::printf("RESULT %s\n", j.str().c_str());
        return 0;
    }
    try {
        const Rows train = read_split(argv[2]);
        const Rows test = read_split(argv[3]);
        if (train.d != test.d) {
            throw std::runtime_error("train and test differ in feature count");
        }
        if (model == "mlp") {
            // float halves the memory traffic of every matrix product; PROGNOS_PEER_MLP=double
            // measures the double network instead.
            const char* precision = std::getenv("PROGNOS_PEER_MLP");
            if (precision != nullptr && std::string(precision) == "double") {
                return run_mlp<double>(train, test, system, dataset);
            }
            return run_mlp<float>(train, test, system, dataset);
        }
        const double base_rss = status_mb("VmRSS");
        const prognos::IntVector ytr =
            Eigen::Map<const prognos::IntVector>(train.y.data(), train.n);

        prognos::DecisionTreeClassifier tree;
        prognos::RandomForestClassifier::Params fp;
        fp.n_estimators = 100;
        fp.max_features = prognos::MaxFeatures::sqrt();
        fp.bootstrap = true;
        fp.n_jobs = -1;
        fp.seed = 0;
        prognos::RandomForestClassifier forest(fp);
        const bool is_rf = model == "rf";

        auto t0 = std::chrono::steady_clock::now();
        {
            const prognos::Matrix X = to_matrix(train);
            if (is_rf) {
                forest.fit(X, ytr);
            } else {
                tree.fit(X, ytr);
            }
        }
        const double fit_s = seconds_since(t0);

        prognos::IntVector labels;
        t0 = std::chrono::steady_clock::now();
        {
            const prognos::Matrix Xte = to_matrix(test);
            labels = is_rf ? forest.predict(Xte) : tree.predict(Xte);
        }
        const double batch_s = seconds_since(t0);

        // Scores for the AUC: probability of class 1 (untimed).
        const prognos::Matrix proba =
            is_rf ? forest.predict_proba(to_matrix(test)) : tree.predict_proba(to_matrix(test));
        const prognos::IntVector& classes = is_rf ? forest.classes() : tree.classes();
        const auto pos = std::find(classes.data(), classes.data() + classes.size(), 1);
        std::vector<double> s(static_cast<std::size_t>(test.n), 0.0);
        if (pos != classes.data() + classes.size()) {
            const auto c = static_cast<prognos::Index>(pos - classes.data());
            for (int i = 0; i < test.n; ++i) {
                s[static_cast<std::size_t>(i)] = proba(i, c);
            }
        }
        const std::vector<int> pred(labels.data(), labels.data() + labels.size());
        const Scores sc = score(test.y, pred, s);

        // Single rows: the caller holds a raw double row; the label is the answer timed, as for
        // the other systems. predict_proba_row is timed too (reported as an extra field).
        const auto row = [&](int i) {
            return test.x.data() + static_cast<std::size_t>(i) * test.d;
        };
        const Latency lat = single_row_latency(test.n, [&](int i) {
            return static_cast<double>(is_rf ? forest.predict_row(row(i))
                                             : tree.predict_row(row(i)));
        });
        double out[64];
        const Latency lat_proba = single_row_latency(test.n, [&](int i) {
            if (is_rf) {
                forest.predict_proba_row(row(i), out);
            } else {
                tree.predict_proba_row(row(i), out);
            }
            return out[0];
        });
        const double peak = status_mb("VmHWM");

        JsonLine j;
        j.text("system", system).text("model", model).text("dataset", dataset);
        j.number("n_train", train.n).number("n_test", test.n).number("n_features", train.d);
        j.text("config",
               is_rf ? "RandomForestClassifier(100 trees, gini, max_depth=-1, "
                       "max_features=sqrt, bootstrap, n_jobs=-1, seed=0)"
                     : "DecisionTreeClassifier(gini, max_depth=-1, min_samples_split=2)");
        j.number("fit_s", fit_s).number("batch_predict_s", batch_s);
        j.number("single_row_us_p50", lat.p50).number("single_row_us_p99", lat.p99);
        j.number("accuracy", sc.accuracy).number("f1", sc.f1).number("auc", sc.auc);
        j.number("peak_rss_mb", peak).number("base_rss_mb", base_rss);
        j.number("proba_single_row_us_p50", lat_proba.p50);
        j.number("proba_single_row_us_p99", lat_proba.p99);
        if (!is_rf) {
            j.number("tree_depth", tree.depth());
        }
        j.number("threads", prognos::resolve_n_jobs(-1));
        j.text("status", "ok");
        std::printf("RESULT %s\n", j.str().c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "prognos_peer: %s\n", e.what());
        return 1;
    }
}
