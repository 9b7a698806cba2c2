// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for the tree and ensemble tests: saving and loading through the JSON archive, a
// reader for the numeric case files, and the JSON fixture loader.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/io/json_archive.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ptest {

/// Saved state of a model, through the library's JSON archive.
template <class Model>
nlohmann::json save(const Model& model) {
    return prognos::io::to_json(model);
}

/// Loads a model of type Model from its JSON form.
template <class Model>
Model load(const nlohmann::json& saved) {
    return prognos::io::from_json<Model>(saved);
}

/// A numeric CSV with a header row: every column of every row, as a matrix.
inline prognos::Matrix read_numeric_csv(const std::string& path, std::vector<std::string>* header) {
    std::ifstream in(path);
    if (!in) {
        throw prognos::io_error("cannot open " + path);
    }
    std::string line;
    std::getline(in, line);
    std::vector<std::string> names;
    {
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) {
            names.push_back(cell);
        }
    }
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        std::stringstream ss(line);
        std::string cell;
        std::vector<double> row;
        while (std::getline(ss, cell, ',')) {
            row.push_back(std::stod(cell));
        }
        rows.push_back(row);
    }
    prognos::Matrix M(static_cast<prognos::Index>(rows.size()),
                      static_cast<prognos::Index>(names.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = 0; j < names.size(); ++j) {
            M(static_cast<prognos::Index>(i), static_cast<prognos::Index>(j)) = rows[i].at(j);
        }
    }
    if (header != nullptr) {
        *header = names;
    }
    return M;
}

/// Case 015's input: temp and vibration of 12 rows whose status column reads "normal" in
/// every row (checked here); callers encode that single class as an int of their choice.
inline prognos::Matrix read_case015_features() {
    const std::string path =
        std::string(PROGNOS_TEST_DATA_DIR) + "/cases/015-classifier-single-class/input.csv";
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    if (line != "temp,vibration,status") {
        throw prognos::parse_error("unexpected header in " + path);
    }
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        const auto c1 = line.find(',');
        const auto c2 = line.find(',', c1 + 1);
        if (line.substr(c2 + 1) != "normal") {
            throw prognos::parse_error("status other than normal in " + path);
        }
        rows.push_back(
            {std::stod(line.substr(0, c1)), std::stod(line.substr(c1 + 1, c2 - c1 - 1))});
    }
    prognos::Matrix X(static_cast<prognos::Index>(rows.size()), 2);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        X(static_cast<prognos::Index>(i), 0) = rows[i][0];
        X(static_cast<prognos::Index>(i), 1) = rows[i][1];
    }
    return X;
}

/// A JSON fixture file.
inline nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw prognos::io_error("cannot open " + path);
    }
    return nlohmann::json::parse(in);
}

/// A JSON array of arrays as a matrix.
inline prognos::Matrix json_matrix(const nlohmann::json& rows) {
    const auto n = static_cast<prognos::Index>(rows.size());
    const auto d = n == 0 ? 0 : static_cast<prognos::Index>(rows[0].size());
    prognos::Matrix M(n, d);
    for (prognos::Index i = 0; i < n; ++i) {
        for (prognos::Index j = 0; j < d; ++j) {
            M(i, j) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<double>();
        }
    }
    return M;
}

} // namespace ptest
