// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal archive implementing the contract of core/archive.hpp in memory, so transformers'
// serialize() can be round-tripped and corrupted in tests before the JSON archive exists.
// Values are stored by field path ("columns/2/name"); loading reads them back by type.

#include <prognos/core/error.hpp>

#include <any>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ptest {

using Store = std::map<std::string, std::any>;

template <bool Loading>
class MemoryArchive {
public:
    static constexpr bool loading = Loading;

    explicit MemoryArchive(Store& store, std::string prefix = "")
        : store_(store)
        , prefix_(std::move(prefix)) {}

    template <class T>
    void operator()(const char* name, T& value) {
        const std::string key = prefix_ + name;
        if constexpr (Loading) {
            const auto it = store_.find(key);
            if (it == store_.end()) {
                throw prognos::parse_error("missing field " + key);
            }
            value = std::any_cast<T>(it->second);
        } else {
            store_[key] = value;
        }
    }

    template <class T>
    void nested(const char* name, T& object) {
        MemoryArchive sub(store_, prefix_ + name + "/");
        object.serialize(sub);
    }

    template <class T>
    void nested_list(const char* name, std::vector<T>& list) {
        const std::string key = prefix_ + name;
        if constexpr (Loading) {
            list.assign(std::any_cast<std::size_t>(store_.at(key + "#")), T{});
        } else {
            store_[key + "#"] = list.size();
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            MemoryArchive sub(store_, key + "/" + std::to_string(i) + "/");
            list[i].serialize(sub);
        }
    }

    void require(bool condition, const std::string& message) {
        if (!condition) {
            throw prognos::parse_error("invalid artifact" +
                                       (prefix_.empty() ? std::string() : " at " + prefix_) + ": " +
                                       message);
        }
    }

private:
    Store& store_;
    std::string prefix_;
};

/// Saves `object` into a store.
template <class T>
Store save(T& object) {
    Store store;
    MemoryArchive<false> ar(store);
    object.serialize(ar);
    return store;
}

/// Loads a fresh T from a store.
template <class T>
T load(Store& store) {
    T object;
    MemoryArchive<true> ar(store);
    object.serialize(ar);
    return object;
}

} // namespace ptest
