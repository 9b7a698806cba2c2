// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The archive types of core/archive.hpp, backed by nlohmann::json.
///
/// JsonWriter turns an object's serialize() into a JSON object; JsonReader fills an object back
/// from one and turns every problem (a missing field, a wrong type, a failed ar.require) into a
/// prognos::parse_error that names the path of the field, e.g. `steps[3].trees[12].threshold`.
///
/// Doubles are written as JSON numbers in the shortest form that reads back to the same bits.
/// JSON has no NaN or infinity, and nlohmann::json would silently write them as null, so the
/// archive writes them as the strings "NaN", "Infinity" and "-Infinity" and reads those back.

#include <prognos/core/archive.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace prognos {
namespace io {
namespace detail {

inline nlohmann::json encode_double(double v) {
    if (std::isnan(v)) {
        return "NaN";
    }
    if (std::isinf(v)) {
        return v > 0 ? "Infinity" : "-Infinity";
    }
    return v;
}

template <class T>
struct is_std_vector : std::false_type {};

template <class T, class A>
struct is_std_vector<std::vector<T, A>> : std::true_type {};

} // namespace detail

/// Writes an object's serialize() calls into a JSON object.
class JsonWriter {
public:
    static constexpr bool loading = false;

    explicit JsonWriter(nlohmann::json& out)
        : out_(out) {
        out_ = nlohmann::json::object();
    }

    template <class T>
    void operator()(const char* name, const T& value) {
        out_[name] = encode(value);
    }

    /// A field added after the format's first version: written like any other.
    template <class T>
    void optional(const char* name, const T& value, const T&) {
        out_[name] = encode(value);
    }

    template <class T>
    void nested(const char* name, const T& object) {
        nlohmann::json sub;
        write_object(sub, object);
        out_[name] = std::move(sub);
    }

    template <class T>
    void nested_list(const char* name, const std::vector<T>& objects) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& object : objects) {
            nlohmann::json sub;
            write_object(sub, object);
            list.push_back(std::move(sub));
        }
        out_[name] = std::move(list);
    }

    /// Checks are for loading; a writer has nothing to check.
    void require(bool, const std::string&) const noexcept {}

    /// Serializes `object` into `out`.
    template <class T>
    static void write_object(nlohmann::json& out, const T& object) {
        JsonWriter writer(out);
        // serialize() is one member template for both directions and so is not const; the
        // writer only reads through it.
        const_cast<T&>(object).serialize(writer);
    }

private:
    static nlohmann::json encode(double v) { return detail::encode_double(v); }

    static nlohmann::json encode(float v) { return detail::encode_double(static_cast<double>(v)); }

    static nlohmann::json encode(bool v) { return v; }

    static nlohmann::json encode(const std::string& v) { return v; }

    template <class T>
    static std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, nlohmann::json>
    encode(T v) {
        return v;
    }

    template <class T>
    static nlohmann::json encode(const std::vector<T>& values) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& v : values) {
            list.push_back(encode(static_cast<const T&>(v)));
        }
        return list;
    }

    static nlohmann::json encode(const std::vector<bool>& values) {
        nlohmann::json list = nlohmann::json::array();
        for (bool v : values) {
            list.push_back(v);
        }
        return list;
    }

    // Matrices are written row by row as {"rows": r, "cols": c, "data": [...]}, whatever
    // Eigen's storage order, so the file reads the same way a person would.
    template <class Scalar, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
    static nlohmann::json
    encode(const Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>& m) {
        nlohmann::json data = nlohmann::json::array();
        for (Index i = 0; i < m.rows(); ++i) {
            for (Index j = 0; j < m.cols(); ++j) {
                data.push_back(encode(m(i, j)));
            }
        }
        return {{"rows", m.rows()}, {"cols", m.cols()}, {"data", std::move(data)}};
    }

    nlohmann::json& out_;
};

/// Fills an object through its serialize() from a JSON object written by JsonWriter.
class JsonReader {
public:
    static constexpr bool loading = true;

    JsonReader(const nlohmann::json& in, std::string path)
        : in_(in)
        , path_(std::move(path)) {
        if (!in_.is_object()) {
            fail(path_, "expected an object, found " + std::string(in_.type_name()));
        }
    }

    template <class T>
    void operator()(const char* name, T& value) {
        decode(field(name), value, child(name));
    }

    /// A field added after the format's first version: files written before it lack it,
    /// and loading them gives `fallback`, which must mean what those files meant.
    template <class T>
    void optional(const char* name, T& value, const T& fallback) {
        if (in_.find(name) == in_.end()) {
            value = fallback;
        } else {
            decode(field(name), value, child(name));
        }
    }

    template <class T>
    void nested(const char* name, T& object) {
        read_object(field(name), object, child(name));
    }

    template <class T>
    void nested_list(const char* name, std::vector<T>& objects) {
        const auto& list = field(name);
        const std::string path = child(name);
        if (!list.is_array()) {
            fail(path, "expected a list, found " + std::string(list.type_name()));
        }
        objects.clear();
        objects.resize(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) {
            read_object(list[i], objects[i], path + "[" + std::to_string(i) + "]");
        }
    }

    /// Throws parse_error naming this object's path unless `condition` holds.
    void require(bool condition, const std::string& message) const {
        if (!condition) {
            fail(path_, message);
        }
    }

    /// Deserializes `object` from `in`; `path` names `in` in error messages.
    template <class T>
    static void read_object(const nlohmann::json& in, T& object, const std::string& path) {
        JsonReader reader(in, path);
        object.serialize(reader);
    }

private:
    [[noreturn]] static void fail(const std::string& path, const std::string& message) {
        PROGNOS_THROW(parse_error("artifact field '" +
                                  (path.empty() ? std::string("(top)") : path) + "': " + message));
    }

    std::string child(const char* name) const {
        return path_.empty() ? std::string(name) : path_ + "." + name;
    }

    const nlohmann::json& field(const char* name) const {
        auto it = in_.find(name);
        if (it == in_.end()) {
            fail(child(name), "missing");
        }
        return *it;
    }

    static void decode(const nlohmann::json& j, double& v, const std::string& path) {
        if (j.is_number()) {
            v = j.get<double>();
        } else if (j.is_string()) {
            const auto& s = j.get_ref<const std::string&>();
            if (s == "NaN") {
                v = std::numeric_limits<double>::quiet_NaN();
            } else if (s == "Infinity") {
                v = std::numeric_limits<double>::infinity();
            } else if (s == "-Infinity") {
                v = -std::numeric_limits<double>::infinity();
            } else {
                fail(path, "expected a number, found the string \"" + s + "\"");
            }
        } else {
            fail(path, "expected a number, found " + std::string(j.type_name()));
        }
    }

    static void decode(const nlohmann::json& j, float& v, const std::string& path) {
        double d = 0;
        decode(j, d, path);
        v = static_cast<float>(d);
    }

    static void decode(const nlohmann::json& j, bool& v, const std::string& path) {
        if (!j.is_boolean()) {
            fail(path, "expected true or false, found " + std::string(j.type_name()));
        }
        v = j.get<bool>();
    }

    static void decode(const nlohmann::json& j, std::string& v, const std::string& path) {
        if (!j.is_string()) {
            fail(path, "expected a string, found " + std::string(j.type_name()));
        }
        v = j.get<std::string>();
    }

    template <class T>
    static std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>
    decode(const nlohmann::json& j, T& v, const std::string& path) {
        // Integers must be exact: a float, or a value outside T's range, is damage, not data.
        bool ok = false;
        if (j.is_number_unsigned()) {
            const auto u = j.get<std::uint64_t>();
            ok = u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
            v = static_cast<T>(u);
        } else if (j.is_number_integer()) {
            const auto s = j.get<std::int64_t>();
            ok = std::is_signed_v<T>
                     ? (s >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                        s <= static_cast<std::int64_t>(std::numeric_limits<T>::max()))
                     : (s >= 0 && static_cast<std::uint64_t>(s) <=
                                      static_cast<std::uint64_t>(std::numeric_limits<T>::max()));
            v = static_cast<T>(s);
        }
        if (!ok) {
            fail(path, "expected an integer in range, found " + j.dump());
        }
    }

    template <class T>
    static void decode(const nlohmann::json& j, std::vector<T>& values, const std::string& path) {
        if (!j.is_array()) {
            fail(path, "expected a list, found " + std::string(j.type_name()));
        }
        values.clear();
        values.reserve(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) {
            T v{};
            decode(j[i], v, path + "[" + std::to_string(i) + "]");
            values.push_back(v);
        }
    }

    static void
    decode(const nlohmann::json& j, std::vector<bool>& values, const std::string& path) {
        if (!j.is_array()) {
            fail(path, "expected a list, found " + std::string(j.type_name()));
        }
        values.clear();
        for (std::size_t i = 0; i < j.size(); ++i) {
            bool v = false;
            decode(j[i], v, path + "[" + std::to_string(i) + "]");
            values.push_back(v);
        }
    }

    template <class Scalar, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
    static void decode(const nlohmann::json& j,
                       Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>& m,
                       const std::string& path) {
        JsonReader reader(j, path);
        Index rows = 0;
        Index cols = 0;
        reader("rows", rows);
        reader("cols", cols);
        const auto& data = reader.field("data");
        // Compare in unsigned arithmetic: rows * cols from a damaged file could overflow.
        const bool shape_ok =
            rows >= 0 && cols >= 0 && (Rows == Eigen::Dynamic || rows == Rows) &&
            (Cols == Eigen::Dynamic || cols == Cols) && data.is_array() &&
            (cols == 0 ||
             static_cast<std::uint64_t>(rows) <= data.size() / static_cast<std::uint64_t>(cols)) &&
            static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) == data.size();
        if (!shape_ok) {
            fail(path, "matrix shape does not match its data");
        }
        m.resize(rows, cols);
        std::size_t k = 0;
        for (Index i = 0; i < rows; ++i) {
            for (Index jj = 0; jj < cols; ++jj, ++k) {
                decode(data[k], m(i, jj), path + ".data[" + std::to_string(k) + "]");
            }
        }
    }

    const nlohmann::json& in_;
    std::string path_;
};

/// The JSON form of any object with serialize().
template <class T>
nlohmann::json to_json(const T& object) {
    nlohmann::json out;
    JsonWriter::write_object(out, object);
    return out;
}

/// Fills `object` from its JSON form; throws prognos::parse_error naming the bad field. The
/// object is replaced only when everything was read and checked; on error it is unchanged.
template <class T>
void from_json(const nlohmann::json& in, T& object) {
    T fresh{};
    JsonReader::read_object(in, fresh, "");
    object = std::move(fresh);
}

/// A new T read from its JSON form (T must be default-constructible).
template <class T>
T from_json(const nlohmann::json& in) {
    T object;
    from_json(in, object);
    return object;
}

} // namespace io
} // namespace prognos
