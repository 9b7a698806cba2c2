// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The artifact: one file holding a fitted object (usually a whole pipeline), its library
/// version and free-form metadata, that loads back to the same predictions bit for bit.
///
/// Layout (docs/artifact-format.md has the full description):
///
///     prognos-artifact 1 json 48213 9f3c2a0b1d4e5f60\n
///     {"format_version":1,"library_version":"0.1.0","kind":"Pipeline<...>","metadata":{...},
///      "object":{...}}
///
/// The first line carries a magic word, the format version, the body encoding ("json" text or
/// "cbor" binary, both from nlohmann::json), the body's length in bytes and its 64-bit FNV-1a
/// checksum. Everything is verified before the body is parsed, so a truncated, corrupted,
/// foreign or newer file is refused with a message saying which, and a body that passes still
/// goes through the objects' own load-time checks.
///
/// Saving writes a temporary file beside the target and renames it into place, so a crash or a
/// full disk never leaves a half-written artifact where a good one was.

#include <prognos/core/error.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/version.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace prognos {
namespace io {

/// The artifact format this library writes, and the newest it reads.
inline constexpr int artifact_format_version = 1;

/// How the body of an artifact is encoded.
enum class Encoding {
    json, ///< UTF-8 JSON text: inspectable with standard tools (skip the first line).
    cbor  ///< CBOR binary (RFC 8949): smaller and faster to load, same content.
};

/// What an artifact says about itself, besides the object.
struct ArtifactInfo {
    int format_version = 0;
    std::string library_version;
    std::string kind;        ///< type name of the stored object, checked at load time
    nlohmann::json metadata; ///< whatever the saver passed (metrics, data set, notes)
};

namespace detail {

inline std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

inline std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

constexpr std::string_view magic = "prognos-artifact";

// A name part that two processes (or threads) saving to the same path at the same moment will
// not share, so neither writes into the other's temporary file.
inline std::string unique_suffix() {
    std::uint64_t seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    seed ^= static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    try {
        std::random_device device;
        seed ^= (static_cast<std::uint64_t>(device()) << 32) ^ device();
    } catch (...) {
        // No entropy source: the clock and thread id above still separate concurrent savers.
    }
    return hex64(fnv1a64(std::string_view(reinterpret_cast<const char*>(&seed), sizeof seed)));
}

[[noreturn]] inline void corrupt(const std::string& source, const std::string& what) {
    PROGNOS_THROW(parse_error(source + ": " + what));
}

inline std::string encode_body(const nlohmann::json& body, Encoding encoding) {
    if (encoding == Encoding::json) {
        return body.dump();
    }
    const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(body);
    return std::string(bytes.begin(), bytes.end());
}

} // namespace detail

namespace detail {

template <class T, class = void>
struct has_is_fitted : std::false_type {};

template <class T>
struct has_is_fitted<T, std::void_t<decltype(std::declval<const T&>().is_fitted())>>
    : std::true_type {};

} // namespace detail

/// The bytes of an artifact holding `object`, with `metadata` stored beside it. An object that
/// can say whether it is fitted must be: saving an unfitted model is refused (not_fitted), so
/// a training script that carried on past a failed fit cannot ship an empty artifact.
template <class T>
std::string to_artifact_bytes(const T& object,
                              const nlohmann::json& metadata = nlohmann::json::object(),
                              Encoding encoding = Encoding::json) {
    if constexpr (detail::has_is_fitted<T>::value) {
        if (!object.is_fitted()) {
            PROGNOS_THROW(not_fitted("cannot save an unfitted " + type_name_of<T>() +
                                     "; fit it (or load a fitted one) first"));
        }
    }
    nlohmann::json body;
    body["format_version"] = artifact_format_version;
    body["library_version"] = PROGNOS_VERSION_STRING;
    body["kind"] = type_name_of<T>();
    body["metadata"] = metadata;
    body["object"] = to_json(object);
    const std::string payload = detail::encode_body(body, encoding);
    std::string out(detail::magic);
    out += " " + std::to_string(artifact_format_version);
    out += encoding == Encoding::json ? " json " : " cbor ";
    out += std::to_string(payload.size()) + " " + detail::hex64(detail::fnv1a64(payload)) + "\n";
    out += payload;
    return out;
}

/// Reads an artifact from its bytes into `object`; `source` names it in messages (a path).
/// Throws parse_error for anything that is not an intact artifact of a readable version
/// holding a T.
template <class T>
ArtifactInfo from_artifact_bytes(std::string_view bytes, T& object, const std::string& source) {
    // The header line: short, plain ASCII, checked field by field.
    const auto newline = bytes.find('\n');
    if (bytes.substr(0, detail::magic.size()) != detail::magic) {
        detail::corrupt(source,
                        "not a prognos artifact (it does not start with \"" +
                            std::string(detail::magic) + "\")");
    }
    if (newline == std::string_view::npos || newline > 200) {
        detail::corrupt(source, "damaged artifact header (no end of the first line)");
    }
    std::istringstream header{std::string(bytes.substr(0, newline))};
    std::string word, encoding_name, checksum;
    long long version = 0;
    unsigned long long length = 0;
    if (!(header >> word >> version >> encoding_name >> length >> checksum)) {
        detail::corrupt(source, "damaged artifact header");
    }
    if (version > artifact_format_version) {
        detail::corrupt(
            source,
            "artifact format version " + std::to_string(version) +
                " is newer than this prognos " PROGNOS_VERSION_STRING " can read (up to version " +
                std::to_string(artifact_format_version) + "); load it with a newer prognos");
    }
    if (version < 1) {
        detail::corrupt(source,
                        "damaged artifact header (format version " + std::to_string(version) + ")");
    }
    if (encoding_name != "json" && encoding_name != "cbor") {
        detail::corrupt(source, "unknown artifact encoding \"" + encoding_name + "\"");
    }
    const std::string_view payload = bytes.substr(newline + 1);
    if (payload.size() < length) {
        detail::corrupt(source,
                        "artifact is truncated: the header promises " + std::to_string(length) +
                            " bytes, the file has " + std::to_string(payload.size()));
    }
    if (payload.size() > length) {
        detail::corrupt(source,
                        "artifact has " + std::to_string(payload.size() - length) +
                            " unexpected bytes after its end");
    }
    if (detail::hex64(detail::fnv1a64(payload)) != checksum) {
        detail::corrupt(source, "artifact is corrupted: checksum mismatch");
    }

    nlohmann::json body;
    try {
        body = encoding_name == "json" ? nlohmann::json::parse(payload)
                                       : nlohmann::json::from_cbor(payload);
    } catch (const nlohmann::json::exception& e) {
        detail::corrupt(
            source, std::string("artifact body is not valid ") + encoding_name + ": " + e.what());
    }

    ArtifactInfo info;
    try {
        JsonReader reader(body, "");
        int format_version = 0;
        reader("format_version", format_version);
        reader("library_version", info.library_version);
        reader("kind", info.kind);
        info.format_version = format_version;
        auto it = body.find("metadata");
        info.metadata = it == body.end() ? nlohmann::json::object() : *it;
        const std::string expected = type_name_of<T>();
        if (info.kind != expected) {
            detail::corrupt(
                source, "artifact holds a " + info.kind + " but a " + expected + " was asked for");
        }
        // Read into a fresh object and move it over only when everything passed, so a failed
        // load leaves the caller's object as it was.
        T fresh{};
        reader.nested("object", fresh);
        object = std::move(fresh);
    } catch (const parse_error& e) {
        const std::string what = e.what();
        if (what.rfind(source + ":", 0) == 0) {
            throw;
        }
        detail::corrupt(source, what);
    }
    return info;
}

/// Saves `object` to `path` atomically: written to a uniquely named file beside it, then
/// renamed into place, so readers see the old file or the new one and never a partial one.
/// The bytes are read back with every load-time check before anything is written, so a file
/// that save wrote always loads: an object whose state was damaged in memory (by a misuse the
/// library did not catch) is refused here rather than found when the control program starts.
/// @throws io_error naming `path` (not the temporary file, which the caller never chose) and
///         the system's reason, e.g. "No such file or directory" for a missing directory;
///         invalid_argument naming `path` and the failed check when the object would not load
template <class T>
void save(const T& object,
          const std::string& path,
          const nlohmann::json& metadata = nlohmann::json::object(),
          Encoding encoding = Encoding::json) {
    const std::string bytes = to_artifact_bytes(object, metadata, encoding);
    try {
        T reloaded{};
        (void)from_artifact_bytes(bytes, reloaded, path);
    } catch (const parse_error& e) {
        PROGNOS_THROW(invalid_argument("refusing to save '" + path +
                                       "': the object would not load back: " + e.what()));
    }
    const std::string temporary = path + ".tmp-" + detail::unique_suffix();
    // errno text through std::generic_category, which, unlike std::strerror, is thread-safe.
    const auto reason = [](int code) {
        return code != 0 ? std::generic_category().message(code) : std::string("unknown error");
    };
    {
        errno = 0;
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            PROGNOS_THROW(io_error("cannot write '" + path + "': " + reason(errno)));
        }
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            const int code = errno;
            std::remove(temporary.c_str());
            PROGNOS_THROW(io_error("writing '" + path + "' failed: " + reason(code)));
        }
    }
    errno = 0;
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int code = errno;
        std::remove(temporary.c_str());
        PROGNOS_THROW(io_error("cannot replace '" + path + "': " + reason(code)));
    }
}

/// Loads the artifact at `path` into `object` and returns what it says about itself.
template <class T>
ArtifactInfo load(const std::string& path, T& object) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        PROGNOS_THROW(io_error("cannot open '" + path + "'"));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        PROGNOS_THROW(io_error("reading '" + path + "' failed"));
    }
    return from_artifact_bytes(buffer.str(), object, path);
}

/// Loads the artifact at `path` as a new T.
template <class T>
T load(const std::string& path, ArtifactInfo* info = nullptr) {
    T object;
    ArtifactInfo i = load(path, object);
    if (info != nullptr) {
        *info = std::move(i);
    }
    return object;
}

} // namespace io
} // namespace prognos
