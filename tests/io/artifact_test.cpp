// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/random.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace {

// A stand-in for a fitted model: a few kinds of state and one invariant checked at load time.
struct Toy {
    static const char* type_name() { return "Toy"; }

    int depth = 0;
    double threshold = 0;
    std::string label;
    std::vector<double> values;
    std::vector<std::int32_t> children;
    prognos::Matrix weights;

    template <class Archive>
    void serialize(Archive& ar) {
        ar("depth", depth);
        ar("threshold", threshold);
        ar("label", label);
        ar("values", values);
        ar("children", children);
        ar("weights", weights);
        if (Archive::loading) {
            for (auto c : children) {
                ar.require(c >= 0 && static_cast<std::size_t>(c) < values.size(),
                           "child index " + std::to_string(c) + " out of range");
            }
        }
    }
};

struct Holder {
    static const char* type_name() { return "Holder"; }

    std::vector<Toy> toys;

    template <class Archive>
    void serialize(Archive& ar) {
        ar.nested_list("toys", toys);
    }
};

Toy make_toy() {
    Toy t;
    t.depth = 3;
    t.threshold = 0.12345675;
    t.label = "bearing \"A\", Ölpumpe";
    t.values = {1.5,
                -2.25,
                std::numeric_limits<double>::quiet_NaN(),
                std::numeric_limits<double>::infinity(),
                -std::numeric_limits<double>::infinity()};
    t.children = {0, 4, 2};
    t.weights.resize(2, 3);
    t.weights << 1, 2, 3, 4, 5, 6.000000000000001;
    return t;
}

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void require_equal(const Toy& a, const Toy& b) {
    REQUIRE(a.depth == b.depth);
    REQUIRE(same_bits(a.threshold, b.threshold));
    REQUIRE(a.label == b.label);
    REQUIRE(a.values.size() == b.values.size());
    for (std::size_t i = 0; i < a.values.size(); ++i) {
        REQUIRE((same_bits(a.values[i], b.values[i]) ||
                 (std::isnan(a.values[i]) && std::isnan(b.values[i]))));
    }
    REQUIRE(a.children == b.children);
    REQUIRE(a.weights.rows() == b.weights.rows());
    REQUIRE(a.weights.cols() == b.weights.cols());
    REQUIRE(a.weights == b.weights);
}

} // namespace

TEST_CASE("artifact round trip restores every field bit for bit", "[io][artifact]") {
    const Toy original = make_toy();
    for (auto encoding : {prognos::io::Encoding::json, prognos::io::Encoding::cbor}) {
        const std::string bytes =
            prognos::io::to_artifact_bytes(original, {{"note", "x"}}, encoding);
        Toy loaded;
        const auto info = prognos::io::from_artifact_bytes(bytes, loaded, "mem");
        require_equal(original, loaded);
        REQUIRE(info.kind == "Toy");
        REQUIRE(info.library_version == PROGNOS_VERSION_STRING);
        REQUIRE(info.metadata["note"] == "x");
        // Saving what was loaded gives the same bytes: nothing drifts over repeated cycles.
        REQUIRE(prognos::io::to_artifact_bytes(loaded, {{"note", "x"}}, encoding) == bytes);
    }
}

TEST_CASE("10000 random doubles survive the JSON text form exactly", "[io][artifact]") {
    // Case 012: thresholds written with too few digits moved rows to the other side of a split.
    // Random bit patterns cover every exponent, subnormals included.
    prognos::Random rng(12);
    Toy t;
    while (t.values.size() < 10000) {
        std::uint64_t bits = rng();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        if (std::isfinite(v)) {
            t.values.push_back(v);
        }
    }
    Toy loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(t), loaded, "mem");
    REQUIRE(loaded.values.size() == t.values.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < t.values.size(); ++i) {
        differing += !same_bits(t.values[i], loaded.values[i]);
    }
    REQUIRE(differing == 0);
}

TEST_CASE("nested lists of objects round trip", "[io][artifact]") {
    Holder h;
    h.toys = {make_toy(), make_toy()};
    h.toys[1].depth = 9;
    Holder loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(h), loaded, "mem");
    REQUIRE(loaded.toys.size() == 2);
    require_equal(h.toys[1], loaded.toys[1]);
}

TEST_CASE("damaged artifacts are refused with a message saying what is wrong", "[io][artifact]") {
    const std::string good = prognos::io::to_artifact_bytes(make_toy());
    Toy out = make_toy();
    out.depth = 42;
    auto load = [&](const std::string& bytes) {
        prognos::io::from_artifact_bytes(bytes, out, "model.prognos");
    };

    SECTION("truncated") {
        REQUIRE_THROWS_WITH(load(good.substr(0, good.size() - 10)),
                            ptest::contains("model.prognos: artifact is truncated"));
    }
    SECTION("truncated inside the header") {
        REQUIRE_THROWS_AS(load(good.substr(0, 20)), prognos::parse_error);
    }
    SECTION("empty file") {
        REQUIRE_THROWS_WITH(load(""), ptest::contains("not a prognos artifact"));
    }
    SECTION("one byte changed in the body") {
        std::string bad = good;
        bad[bad.size() / 2] ^= 0x01;
        REQUIRE_THROWS_WITH(load(bad), ptest::contains("checksum mismatch"));
    }
    SECTION("a foreign file") {
        REQUIRE_THROWS_WITH(load("{\"hello\": 1}\n"), ptest::contains("not a prognos artifact"));
    }
    SECTION("a newer format version") {
        std::string future = good;
        future.replace(future.find(" 1 json"), 7, " 9 json");
        REQUIRE_THROWS_WITH(load(future), ptest::contains("format version 9 is newer"));
    }
    SECTION("bytes after the end") {
        REQUIRE_THROWS_WITH(load(good + "x"), ptest::contains("unexpected bytes"));
    }
    SECTION("another kind of object") {
        Holder h;
        REQUIRE_THROWS_WITH(prognos::io::from_artifact_bytes(good, h, "model.prognos"),
                            ptest::contains("holds a Toy but a Holder was asked for"));
    }
    // Whatever failed, the caller's object is untouched.
    REQUIRE(out.depth == 42);
}

TEST_CASE("an intact artifact with inconsistent state fails the object's own checks",
          "[io][artifact]") {
    // A body that passes the checksum (as a hand-edited file re-stamped by a tool would) but
    // holds a child index past the end: the load-time require() must catch it.
    Toy t = make_toy();
    t.children = {0, 99};
    const std::string bytes = prognos::io::to_artifact_bytes(t);
    Toy out;
    REQUIRE_THROWS_WITH(prognos::io::from_artifact_bytes(bytes, out, "m"),
                        ptest::contains("artifact field 'object': child index 99 out of range"));
}

TEST_CASE("fields of the wrong type are named with their path", "[io][artifact]") {
    nlohmann::json j = prognos::io::to_json(make_toy());
    j["values"][2] = "hello";
    Toy out;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out),
                        ptest::contains("'values[2]': expected a number, found the string"));
    j = prognos::io::to_json(make_toy());
    j.erase("threshold");
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("'threshold': missing"));
    j = prognos::io::to_json(make_toy());
    j["depth"] = 2.5;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out),
                        ptest::contains("'depth': expected an integer"));
    j = prognos::io::to_json(make_toy());
    j["weights"]["rows"] = 4000000000000LL;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("matrix shape"));
}

TEST_CASE("save writes atomically and load reads it back", "[io][artifact]") {
    const std::string path = "artifact_test_model.prognos";
    prognos::io::save(make_toy(), path, {{"auc", 0.97}});
    prognos::io::ArtifactInfo info;
    const Toy loaded = prognos::io::load<Toy>(path, &info);
    require_equal(make_toy(), loaded);
    REQUIRE(info.metadata["auc"] == 0.97);
    // No temporary file is left beside the artifact.
    std::size_t leftovers = 0;
    for (const auto& entry : std::filesystem::directory_iterator(".")) {
        leftovers += entry.path().filename().string().rfind(path + ".tmp", 0) == 0;
    }
    REQUIRE(leftovers == 0);
    std::remove(path.c_str());
    REQUIRE_THROWS_AS(prognos::io::load<Toy>("no/such/dir/model.prognos"), prognos::io_error);
    REQUIRE_THROWS_AS(prognos::io::save(make_toy(), "no/such/dir/model.prognos"),
                      prognos::io_error);
    // The message names the path the caller gave and the system's reason (ENOENT), never the
    // temporary file name the caller did not choose.
    REQUIRE_THROWS_WITH(
        prognos::io::save(make_toy(), "no/such/dir/model.prognos"),
        ptest::contains("cannot write 'no/such/dir/model.prognos': No such file or directory"));
    try {
        prognos::io::save(make_toy(), "no/such/dir/model.prognos");
    } catch (const prognos::io_error& e) {
        CHECK(std::string(e.what()).find(".tmp") == std::string::npos);
    }
}
