// SPDX-License-Identifier: Apache-2.0
#pragma once

// The predict API without the HTTP: request body in, status and JSON body out. Kept apart
// from the server so that every rule of the API can be tested without a socket, and so that
// the same rules could sit behind another HTTP library.
//
// POST /predict body: {"instances": X} where X is one instance or an array of them; an
// instance is an object keyed by feature name (any order) or an array of values in the
// model's column order. Every feature must be present; unknown fields are refused; null
// means a missing value, which the pipeline's imputer fills (if it has none for that column,
// the answer is 400 naming the column). Answer:
//   {"predictions": [{"class": "1", "label": 1, "probability": 0.93,
//                     "probabilities": {"0": 0.07, "1": 0.93}}, ...]}
// where "class" is the arg-max of "probabilities" and "probability" its value, unless the
// pipeline carries a decision threshold (a cost-tuned alarm threshold, say): then "class" is
// the second class exactly when its probability reaches the threshold, as Pipeline::predict
// decides, and "probability" is the probability of the class given.

#include <prognos/core/error.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_rows.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace predict_server {

struct Reply {
    int status = 200;
    std::string body; // JSON text
};

struct Limits {
    // One limit on the request size, enforced while reading (see main.cpp), and one on the
    // number of instances, so a small body of tiny instances cannot demand unbounded work.
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_instances = 10000;
};

// JSON text that is always valid UTF-8: anything that is not is replaced, never thrown on.
inline std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Reply error_reply(int status, const std::string& message) {
    return {status, dump({{"error", message}, {"status", status}})};
}

template <class Pipeline>
class PredictService {
public:
    PredictService(Pipeline pipeline, prognos::io::ArtifactInfo info, Limits limits)
        : pipeline_(std::move(pipeline))
        , info_(std::move(info))
        , limits_(limits) {}

    const Limits& limits() const noexcept { return limits_; }

    // Thread-safe: reads the fitted pipeline only.
    Reply predict(std::string_view body) const {
        nlohmann::json request;
        try {
            request = prognos::io::parse_json_strict(body);
        } catch (const prognos::parse_error& e) {
            return error_reply(400, e.what());
        }
        if (!request.is_object() || !request.contains("instances")) {
            return error_reply(400,
                               "the body must be a JSON object with an 'instances' member "
                               "holding one instance or an array of them");
        }
        if (request.size() != 1) {
            return error_reply(400, "the body may hold only 'instances'");
        }
        const auto& instances = request["instances"];
        if (instances.is_array() && instances.size() > limits_.max_instances) {
            return error_reply(413,
                               "too many instances: " + std::to_string(instances.size()) +
                                   " (the limit is " + std::to_string(limits_.max_instances) + ")");
        }
        try {
            const prognos::Table rows = prognos::io::table_from_json(instances, pipeline_.schema());
            if (auto refused = unknown_category(rows)) {
                return error_reply(400, *refused);
            }
            const prognos::Matrix proba = pipeline_.predict_proba(rows);
            return {200, dump(answer(proba))};
        } catch (const prognos::invalid_argument& e) {
            return error_reply(400, e.what());
        } catch (const prognos::numerical_error& e) {
            return error_reply(500, e.what());
        }
    }

    // What GET /model shows: enough for a client to build a valid request.
    nlohmann::json model_info() const {
        nlohmann::json features = nlohmann::json::array();
        for (const auto& c : pipeline_.schema().columns) {
            nlohmann::json f = {{"name", c.name}, {"type", prognos::to_string(c.type)}};
            if (c.type == prognos::ColumnType::categorical) {
                // Sorted, as the encoder orders them, whatever order training data had.
                auto categories = c.categories;
                std::sort(categories.begin(), categories.end());
                f["categories"] = categories;
            }
            features.push_back(std::move(f));
        }
        return {{"kind", info_.kind},
                {"library_version", info_.library_version},
                {"format_version", info_.format_version},
                {"features", std::move(features)},
                {"classes", pipeline_.class_names()},
                {"decision_threshold", threshold_json()},
                {"metadata", info_.metadata},
                {"limits",
                 {{"max_body_bytes", limits_.max_body_bytes},
                  {"max_instances", limits_.max_instances}}}};
    }

private:
    // The first value of a categorical field that training never saw, as an error message. The
    // encoder would refuse it too, but in terms of its own rows and settings; a client needs
    // the instance and the values it may send.
    std::optional<std::string> unknown_category(const prognos::Table& rows) const {
        for (const auto& field : pipeline_.schema().columns) {
            if (field.type != prognos::ColumnType::categorical) {
                continue;
            }
            const auto& column = rows.column(std::string_view{field.name});
            for (std::size_t r = 0; r < rows.rows(); ++r) {
                if (column.codes()[r] == prognos::Column::missing_code) {
                    continue;
                }
                const std::string_view value = column.category_at(r);
                const auto& known = field.categories;
                if (std::find(known.begin(), known.end(), value) == known.end()) {
                    auto sorted = known;
                    std::sort(sorted.begin(), sorted.end());
                    std::string allowed;
                    for (const auto& k : sorted) {
                        allowed += (allowed.empty() ? "'" : ", '") + k + "'";
                    }
                    return "instance " + std::to_string(r) + ": '" + field.name + "' is '" +
                           std::string(value) + "', which the model was not trained on; " +
                           (allowed.empty() ? "it knows no values of this field"
                                            : "it takes " + allowed);
                }
            }
        }
        return std::nullopt;
    }

    // null when the class is the arg-max; +infinity (never the second class) has no JSON
    // number, so it is the string "inf".
    nlohmann::json threshold_json() const {
        const double t = pipeline_.decision_threshold();
        if (std::isnan(t)) {
            return nullptr;
        }
        if (std::isinf(t)) {
            return "inf";
        }
        return t;
    }

    nlohmann::json answer(const prognos::Matrix& proba) const {
        const double threshold = pipeline_.decision_threshold();
        const auto& names = pipeline_.class_names();
        const auto classes = pipeline_.model().classes();
        nlohmann::json predictions = nlohmann::json::array();
        for (prognos::Index i = 0; i < proba.rows(); ++i) {
            nlohmann::json probabilities = nlohmann::json::object();
            prognos::Index best = 0;
            for (prognos::Index k = 0; k < proba.cols(); ++k) {
                const double p = proba(i, k);
                if (!std::isfinite(p)) {
                    // Never let a NaN become JSON null in an answer that looks valid.
                    throw prognos::numerical_error(
                        "the model produced a non-finite probability for instance " +
                        std::to_string(i));
                }
                probabilities[names[static_cast<std::size_t>(k)]] = p;
                if (p > proba(i, best)) {
                    best = k;
                }
            }
            if (!std::isnan(threshold)) {
                // The same rule as Pipeline::predict, so a served answer never differs from
                // the in-process one.
                best = proba(i, 1) >= threshold ? 1 : 0;
            }
            predictions.push_back({{"class", names[static_cast<std::size_t>(best)]},
                                   {"label", classes[static_cast<std::size_t>(best)]},
                                   {"probability", proba(i, best)},
                                   {"probabilities", std::move(probabilities)}});
        }
        return {{"predictions", std::move(predictions)}};
    }

    Pipeline pipeline_;
    prognos::io::ArtifactInfo info_;
    Limits limits_;
};

} // namespace predict_server
