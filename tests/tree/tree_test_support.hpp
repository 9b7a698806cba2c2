// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for the tree and ensemble tests: a small in-memory archive implementing the
// core/archive.hpp contract (until the JSON archive lands, and to compare saved state byte by
// byte), a reader for the numeric case files, and the JSON fixture loader.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace ptest {

/// Saved state: one byte string per field path ("trees/3/left").
using ArchiveStore = std::map<std::string, std::string>;

namespace detail {

template <class T>
void put(std::string& out, const T& v) {
    static_assert(std::is_arithmetic<T>::value, "arithmetic only");
    out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
T take(const std::string& in, std::size_t& pos, const std::string& key) {
    if (pos + sizeof(T) > in.size()) {
        throw prognos::parse_error("test archive: field " + key + " is truncated");
    }
    T v;
    std::memcpy(&v, in.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
}

} // namespace detail

/// Writes fields into an ArchiveStore.
class SaveArchive {
public:
    static constexpr bool loading = false;

    explicit SaveArchive(ArchiveStore& store, std::string prefix = "")
        : store_(store)
        , prefix_(std::move(prefix)) {}

    template <class T>
    void operator()(const char* name, T& value) {
        std::string bytes;
        encode(bytes, value);
        store_[prefix_ + name] = bytes;
    }

    template <class T>
    void nested(const char* name, T& object) {
        SaveArchive sub(store_, prefix_ + name + "/");
        object.serialize(sub);
    }

    template <class T>
    void nested_list(const char* name, std::vector<T>& objects) {
        std::uint64_t n = objects.size();
        (*this)((std::string(name) + "#size").c_str(), n);
        for (std::size_t i = 0; i < objects.size(); ++i) {
            SaveArchive sub(store_, prefix_ + name + "/" + std::to_string(i) + "/");
            objects[i].serialize(sub);
        }
    }

    void require(bool, const std::string&) {}

private:
    template <class T>
    static void encode(std::string& out, const T& v) {
        if constexpr (std::is_arithmetic<T>::value) {
            detail::put(out, v);
        } else if constexpr (std::is_same<T, std::string>::value) {
            detail::put(out, static_cast<std::uint64_t>(v.size()));
            out += v;
        } else if constexpr (std::is_base_of<Eigen::EigenBase<T>, T>::value) {
            detail::put(out, static_cast<std::int64_t>(v.rows()));
            detail::put(out, static_cast<std::int64_t>(v.cols()));
            for (prognos::Index k = 0; k < v.size(); ++k) {
                detail::put(out, v.data()[k]);
            }
        } else {
            detail::put(out, static_cast<std::uint64_t>(v.size()));
            for (const auto& e : v) {
                encode(out, e);
            }
        }
    }

    ArchiveStore& store_;
    std::string prefix_;
};

/// Reads fields back from an ArchiveStore; require() throws parse_error naming the path.
class LoadArchive {
public:
    static constexpr bool loading = true;

    explicit LoadArchive(const ArchiveStore& store, std::string prefix = "")
        : store_(store)
        , prefix_(std::move(prefix)) {}

    template <class T>
    void operator()(const char* name, T& value) {
        const std::string key = prefix_ + name;
        const auto it = store_.find(key);
        if (it == store_.end()) {
            throw prognos::parse_error("test archive: missing field " + key);
        }
        std::size_t pos = 0;
        decode(it->second, pos, key, value);
    }

    template <class T>
    void nested(const char* name, T& object) {
        LoadArchive sub(store_, prefix_ + name + "/");
        object.serialize(sub);
    }

    template <class T>
    void nested_list(const char* name, std::vector<T>& objects) {
        std::uint64_t n = 0;
        (*this)((std::string(name) + "#size").c_str(), n);
        objects.assign(n, T{});
        for (std::size_t i = 0; i < objects.size(); ++i) {
            LoadArchive sub(store_, prefix_ + name + "/" + std::to_string(i) + "/");
            objects[i].serialize(sub);
        }
    }

    void require(bool condition, const std::string& message) {
        if (!condition) {
            throw prognos::parse_error("test archive: " + (prefix_.empty() ? "" : prefix_ + ": ") +
                                       message);
        }
    }

private:
    template <class T>
    static void decode(const std::string& in, std::size_t& pos, const std::string& key, T& v) {
        if constexpr (std::is_arithmetic<T>::value) {
            v = detail::take<T>(in, pos, key);
        } else if constexpr (std::is_same<T, std::string>::value) {
            const auto n = detail::take<std::uint64_t>(in, pos, key);
            v = in.substr(pos, n);
            pos += n;
        } else if constexpr (std::is_base_of<Eigen::EigenBase<T>, T>::value) {
            const auto r = detail::take<std::int64_t>(in, pos, key);
            const auto c = detail::take<std::int64_t>(in, pos, key);
            v.resize(r, c);
            for (prognos::Index k = 0; k < v.size(); ++k) {
                v.data()[k] = detail::take<typename T::Scalar>(in, pos, key);
            }
        } else {
            const auto n = detail::take<std::uint64_t>(in, pos, key);
            v.assign(n, typename T::value_type{});
            for (auto& e : v) {
                decode(in, pos, key, e);
            }
        }
    }

    const ArchiveStore& store_;
    std::string prefix_;
};

/// Saves `model` into a fresh store.
template <class Model>
ArchiveStore save(Model& model) {
    ArchiveStore store;
    SaveArchive ar(store);
    model.serialize(ar);
    return store;
}

/// Loads a model of type Model from `store`.
template <class Model>
Model load(const ArchiveStore& store) {
    Model model;
    LoadArchive ar(store);
    model.serialize(ar);
    return model;
}

/// Replaces the field `key` of `store` with the encoding of `value`.
template <class T>
void overwrite(ArchiveStore& store, const std::string& key, T value) {
    ArchiveStore one;
    SaveArchive ar(one);
    ar("x", value);
    store.at(key) = one.at("x");
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
