// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Rows given as JSON, turned into a Table that matches a fitted pipeline's schema.
///
/// This is the part of serving that decides whether a request is acceptable, so it is strict
/// and says exactly what is wrong, with the instance index and the field:
/// - the text must be valid UTF-8 (the error gives the offset of the first bad byte) and valid
///   JSON (no NaN or Infinity literals, which JSON does not have); an object may not repeat a
///   key, since parsers disagree on which copy wins;
/// - an instance is an object keyed by column name (order free) or an array of values in the
///   schema's column order;
/// - every schema column must be present; unknown names are an error (a misspelt name would
///   otherwise be ignored and the real column reported missing, or worse, imputed);
/// - numeric columns take JSON numbers, categorical columns take strings; nothing is coerced,
///   so "70.5" for a number is an error, not 70.5; `null` means missing, and whether a missing
///   value is acceptable is then up to the pipeline (an imputer accepts it, a model without
///   one reports the column).
/// Messages are valid UTF-8 whatever the input: text is checked for UTF-8 before anything in it
/// is quoted, field names are quoted with bytes outside printable ASCII escaped as \xNN, and a
/// syntax error gives its offset and reason without quoting the text around it.

#include <prognos/core/error.hpp>
#include <prognos/data/table.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace prognos {
namespace io {

namespace detail {

/// Offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates,
/// nothing above U+10FFFF), or npos when `text` is valid.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi) {
            return i;
        }
        for (std::size_t k = 2; k < len; ++k) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80) {
                return i;
            }
        }
        i += len;
    }
    return std::string_view::npos;
}

/// `text` with every byte outside printable ASCII written as \xNN, for error messages.
inline std::string printable(std::string_view text, std::size_t max_length = 80) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < max_length; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
        } else {
            static const char* digits = "0123456789ABCDEF";
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xF];
        }
    }
    if (text.size() > max_length) {
        out += "...";
    }
    return out;
}

inline const char* json_kind(const nlohmann::json& v) {
    if (v.is_number()) {
        return "a number";
    }
    if (v.is_string()) {
        return "a string";
    }
    if (v.is_boolean()) {
        return "a boolean";
    }
    if (v.is_array()) {
        return "an array";
    }
    if (v.is_object()) {
        return "an object";
    }
    return "null";
}

// A SAX handler that only records the first key repeated within one object; it keeps the
// key sets of the objects currently open, nothing else. Syntax errors are thrown as
// nlohmann's own exceptions, as its DOM parser does.
class DuplicateKeyFinder {
public:
    const std::string& duplicate() const noexcept { return duplicate_; }

    bool null() { return true; }

    bool boolean(bool) { return true; }

    bool number_integer(nlohmann::json::number_integer_t) { return true; }

    bool number_unsigned(nlohmann::json::number_unsigned_t) { return true; }

    bool number_float(nlohmann::json::number_float_t, const nlohmann::json::string_t&) {
        return true;
    }

    bool string(nlohmann::json::string_t&) { return true; }

    bool binary(nlohmann::json::binary_t&) { return true; }

    bool start_object(std::size_t) {
        open_.emplace_back();
        return true;
    }

    bool key(nlohmann::json::string_t& key) {
        if (duplicate_.empty() && !open_.back().insert(key).second) {
            duplicate_ = key;
        }
        return true;
    }

    bool end_object() {
        open_.pop_back();
        return true;
    }

    bool start_array(std::size_t) { return true; }

    bool end_array() { return true; }

    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception& e) {
        throw e;
    }

private:
    std::vector<std::set<std::string>> open_;
    std::string duplicate_;
};

} // namespace detail

/// Parses request text as JSON under the rules above; throws prognos::parse_error naming the
/// byte offset (zero-based) of the problem.
inline nlohmann::json parse_json_strict(std::string_view text) {
    const std::size_t bad = detail::first_invalid_utf8(text);
    if (bad != std::string_view::npos) {
        PROGNOS_THROW(parse_error("invalid UTF-8 at byte " + std::to_string(bad)));
    }
    // Duplicate keys are found by a SAX pass that builds nothing; the document is then parsed
    // without a callback. A parse callback would be simpler, but nlohmann's callback parser
    // scans the enclosing array every time an object closes, so an array of n objects costs
    // n^2: a 1 MB request of 340k empty objects took half a minute to parse that way.
    try {
        detail::DuplicateKeyFinder finder;
        nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
        if (!finder.duplicate().empty()) {
            PROGNOS_THROW(parse_error("invalid JSON: the key \"" +
                                      detail::printable(finder.duplicate()) +
                                      "\" appears twice in one object"));
        }
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes from 1 and points at the last byte it read.
        const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
        // Keep nlohmann's reason ("invalid literal") but not its "last read: ..." excerpt,
        // which would quote the request back.
        std::string what = e.what();
        const auto reason = what.find(" - ");
        what = reason == std::string::npos ? std::string("syntax error") : what.substr(reason + 3);
        what = what.substr(0, what.find("; last read"));
        PROGNOS_THROW(parse_error("invalid JSON at byte " + std::to_string(at) + ": " +
                                  detail::printable(what, 200)));
    } catch (const nlohmann::json::exception&) {
        // The only other failure of parsing: a number too large for a double, such as 1e999.
        PROGNOS_THROW(parse_error("invalid JSON: a number is out of the range of a double"));
    }
}

/// One instance (object or array) or a list of them, as a table with the schema's columns in
/// the schema's order. Throws prognos::invalid_argument naming the instance and field.
inline Table table_from_json(const nlohmann::json& instances, const Schema& schema) {
    const bool single =
        instances.is_object() || (instances.is_array() && !instances.empty() &&
                                  !instances.front().is_object() && !instances.front().is_array());
    if (!instances.is_array() && !instances.is_object()) {
        PROGNOS_THROW(invalid_argument(std::string("'instances' must be an object or an array "
                                                   "of objects, not ") +
                                       detail::json_kind(instances)));
    }
    const std::size_t n = single ? 1 : instances.size();
    if (n == 0) {
        PROGNOS_THROW(invalid_argument("'instances' is empty"));
    }
    const std::size_t d = schema.size();
    std::vector<std::vector<double>> numbers(d);
    std::vector<std::vector<std::int32_t>> codes(d);
    std::vector<std::vector<std::string>> categories(d);
    std::vector<std::unordered_map<std::string, std::int32_t>> category_index(d);
    for (std::size_t j = 0; j < d; ++j) {
        if (schema.columns[j].type == ColumnType::numeric) {
            numbers[j].reserve(n);
        } else {
            codes[j].reserve(n);
        }
    }

    auto where = [](std::size_t i, const std::string& field) {
        return "instance " + std::to_string(i) + ", field '" + detail::printable(field) + "'";
    };
    auto put = [&](std::size_t i, std::size_t j, const nlohmann::json& v) {
        const auto& column = schema.columns[j];
        if (column.type == ColumnType::numeric) {
            if (v.is_null()) {
                numbers[j].push_back(std::numeric_limits<double>::quiet_NaN());
            } else if (v.is_number()) {
                const double x = v.get<double>();
                if (!std::isfinite(x)) {
                    PROGNOS_THROW(
                        invalid_argument(where(i, column.name) + ": number out of range"));
                }
                numbers[j].push_back(x);
            } else {
                PROGNOS_THROW(invalid_argument(where(i, column.name) +
                                               ": expected a number (or null for missing), got " +
                                               detail::json_kind(v)));
            }
        } else if (v.is_null()) {
            codes[j].push_back(Column::missing_code);
        } else if (v.is_string()) {
            const auto& s = v.get_ref<const std::string&>();
            auto it = category_index[j].find(s);
            if (it == category_index[j].end()) {
                it = category_index[j]
                         .emplace(s, static_cast<std::int32_t>(categories[j].size()))
                         .first;
                categories[j].push_back(s);
            }
            codes[j].push_back(it->second);
        } else {
            PROGNOS_THROW(invalid_argument(where(i, column.name) +
                                           ": expected a string (a category) or null, got " +
                                           detail::json_kind(v)));
        }
    };

    for (std::size_t i = 0; i < n; ++i) {
        const nlohmann::json& instance = single ? instances : instances[i];
        if (instance.is_array()) {
            if (instance.size() != d) {
                PROGNOS_THROW(invalid_argument("instance " + std::to_string(i) + ": expected " +
                                               std::to_string(d) + " features, got " +
                                               std::to_string(instance.size())));
            }
            for (std::size_t j = 0; j < d; ++j) {
                put(i, j, instance[j]);
            }
        } else if (instance.is_object()) {
            std::vector<std::string> missing;
            for (std::size_t j = 0; j < d; ++j) {
                auto it = instance.find(schema.columns[j].name);
                if (it == instance.end()) {
                    missing.push_back(schema.columns[j].name);
                } else {
                    put(i, j, *it);
                }
            }
            std::vector<std::string> unexpected;
            for (auto it = instance.begin(); it != instance.end(); ++it) {
                if (schema.find(it.key()) == schema.size()) {
                    unexpected.push_back(it.key());
                }
            }
            if (!missing.empty() || !unexpected.empty()) {
                std::string msg = "instance " + std::to_string(i) + ":";
                auto list = [](const std::vector<std::string>& names) {
                    std::string s;
                    for (const auto& name : names) {
                        s += (s.empty() ? "'" : ", '") + detail::printable(name) + "'";
                    }
                    return s;
                };
                if (!missing.empty()) {
                    msg += " missing field(s) " + list(missing) + ";";
                }
                if (!unexpected.empty()) {
                    msg += " unknown field(s) " + list(unexpected) + ";";
                }
                msg += " expected exactly " + list(schema.names());
                PROGNOS_THROW(invalid_argument(msg));
            }
        } else {
            PROGNOS_THROW(invalid_argument("instance " + std::to_string(i) +
                                           ": expected an object keyed by feature name or an "
                                           "array of values, got " +
                                           detail::json_kind(instance)));
        }
    }

    Table table;
    for (std::size_t j = 0; j < d; ++j) {
        const auto& column = schema.columns[j];
        if (column.type == ColumnType::numeric) {
            table.add(Column::numeric(column.name, std::move(numbers[j])));
        } else {
            table.add(
                Column::categorical(column.name, std::move(codes[j]), std::move(categories[j])));
        }
    }
    return table;
}

} // namespace io
} // namespace prognos
