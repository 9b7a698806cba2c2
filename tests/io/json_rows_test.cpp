// SPDX-License-Identifier: Apache-2.0
#include <prognos/io/json_rows.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "support/catch.hpp"

using prognos::ColumnType;
using prognos::Schema;
using prognos::io::parse_json_strict;
using prognos::io::table_from_json;

namespace {

std::string read_file(const std::string& relative) {
    std::ifstream in(std::string(PROGNOS_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Schema sensor_schema() {
    Schema s;
    s.columns = {{"temp", ColumnType::numeric, {}},
                 {"vibration", ColumnType::numeric, {}},
                 {"rpm", ColumnType::numeric, {}}};
    return s;
}

} // namespace

TEST_CASE("strict JSON refuses NaN and Infinity literals with a byte offset", "[io][json]") {
    // Case 027: JSON has no NaN; a request carrying one is malformed, not a missing value.
    const auto cases =
        nlohmann::json::parse(read_file("cases/027-json-nan-and-infinity/input.json"));
    const std::string nan_body = cases["requests"][0]["body"];
    const std::string inf_body = cases["requests"][1]["body"];
    // Both bodies start {"instances":[{"temp": (22 bytes), so the literal begins at offset 22.
    REQUIRE_THROWS_WITH(parse_json_strict(nan_body), ptest::contains("invalid JSON at byte 22"));
    REQUIRE_THROWS_WITH(parse_json_strict(inf_body), ptest::contains("invalid JSON at byte 22"));
}

TEST_CASE("a NaN string in a numeric field names the field and the expected type", "[io][json]") {
    const auto cases =
        nlohmann::json::parse(read_file("cases/027-json-nan-and-infinity/input.json"));
    const auto body = parse_json_strict(cases["requests"][2]["body"].get<std::string>());
    Schema s;
    s.columns = {{"temp", ColumnType::numeric, {}}, {"vibration", ColumnType::numeric, {}}};
    REQUIRE_THROWS_WITH(table_from_json(body["instances"], s),
                        ptest::contains("instance 0, field 'temp': expected a number") &&
                            ptest::contains("got a string"));
}

TEST_CASE("null in a numeric field becomes a missing value", "[io][json]") {
    const auto cases =
        nlohmann::json::parse(read_file("cases/027-json-nan-and-infinity/input.json"));
    const auto body = parse_json_strict(cases["requests"][3]["body"].get<std::string>());
    Schema s;
    s.columns = {{"temp", ColumnType::numeric, {}}, {"vibration", ColumnType::numeric, {}}};
    const auto t = table_from_json(body["instances"], s);
    REQUIRE(t.rows() == 1);
    REQUIRE(std::isnan(t.column("temp").numbers()[0]));
    REQUIRE(t.column("vibration").numbers()[0] == 0.1);
}

TEST_CASE("invalid UTF-8 is reported at the offending byte", "[io][json]") {
    // Case 029: the 0xE9 byte sits at zero-based offset 34 of the body.
    const std::string body = read_file("cases/029-json-invalid-utf8/input.json");
    std::string message;
    try {
        parse_json_strict(body);
    } catch (const prognos::parse_error& e) {
        message = e.what();
    }
    REQUIRE(message == "invalid UTF-8 at byte 34");

    // Valid UTF-8 (U+00D6 as C3 96) is kept byte for byte.
    const auto valid = parse_json_strict(read_file("cases/029-json-invalid-utf8/input_valid.json"));
    Schema s;
    s.columns = {{"machine_type", ColumnType::categorical, {}}, {"temp", ColumnType::numeric, {}}};
    const auto t = table_from_json(valid["instances"], s);
    REQUIRE(t.column("machine_type").category_at(0) == "\xC3\x96lpumpe");
}

TEST_CASE("the UTF-8 check refuses overlong forms and surrogates", "[io][json]") {
    using prognos::io::detail::first_invalid_utf8;
    REQUIRE(first_invalid_utf8("plain") == std::string_view::npos);
    REQUIRE(first_invalid_utf8("\xE2\x82\xAC") == std::string_view::npos); // euro sign
    REQUIRE(first_invalid_utf8("ab\xC0\xAF") == 2);                        // overlong '/'
    REQUIRE(first_invalid_utf8("\xED\xA0\x80") == 0);                      // surrogate D800
    REQUIRE(first_invalid_utf8("x\xF4\x90\x80\x80") == 1);                 // above U+10FFFF
    REQUIRE(first_invalid_utf8("\xE2\x82") == 0);                          // cut short
}

TEST_CASE("request schema errors from case 032 are named", "[io][json]") {
    const auto cases =
        nlohmann::json::parse(read_file("cases/032-json-request-schema-errors/input.json"));
    const Schema schema = sensor_schema();
    auto run = [&](const std::string& name) {
        for (const auto& r : cases["requests"]) {
            if (r["name"] == name) {
                const auto body = r.contains("raw_body")
                                      ? parse_json_strict(r["raw_body"].get<std::string>())
                                      : r["body"];
                return table_from_json(body.at("instances"), schema);
            }
        }
        FAIL("no request named " << name);
        return prognos::Table{};
    };
    REQUIRE(run("ok").rows() == 1);
    REQUIRE_THROWS_WITH(run("missing_field"), ptest::contains("missing field(s) 'vibration'"));
    REQUIRE_THROWS_WITH(run("extra_field"), ptest::contains("unknown field(s) 'operator'"));
    REQUIRE_THROWS_WITH(run("wrong_type_string"),
                        ptest::contains("field 'temp': expected a number") &&
                            ptest::contains("got a string"));
    REQUIRE_THROWS_WITH(run("wrong_type_bool"), ptest::contains("got a boolean"));
    REQUIRE_THROWS_WITH(run("duplicate_key"),
                        ptest::contains("the key \"temp\" appears twice in one object"));
}

TEST_CASE("positional instances must have the training width", "[io][json]") {
    // Case 019: rows of 3 and 5 values against 4 features.
    const auto cases =
        nlohmann::json::parse(read_file("cases/019-predict-wrong-feature-count/input.json"));
    Schema s;
    for (const char* name : {"a", "b", "c", "d"}) {
        s.columns.push_back({name, ColumnType::numeric, {}});
    }
    REQUIRE_THROWS_WITH(table_from_json(cases["too_few"]["instances"], s),
                        "instance 0: expected 4 features, got 3");
    REQUIRE_THROWS_WITH(table_from_json(cases["too_many"]["instances"], s),
                        "instance 0: expected 4 features, got 5");
    const auto t = table_from_json(cases["correct"]["instances"], s);
    REQUIRE(t.rows() == 1);
    REQUIRE(t.column("d").numbers()[0] == 40);
}

TEST_CASE("one instance or a list of them gives one table row each", "[io][json]") {
    const Schema schema = sensor_schema();
    const auto one = nlohmann::json::parse(R"({"rpm":1500,"temp":70,"vibration":0.1})");
    const auto reordered = nlohmann::json::parse(R"({"temp":70,"vibration":0.1,"rpm":1500})");
    const auto a = table_from_json(one, schema);
    const auto b = table_from_json(reordered, schema);
    REQUIRE(a.names() == std::vector<std::string>{"temp", "vibration", "rpm"});
    REQUIRE(a.to_matrix() == b.to_matrix());
    const auto list = nlohmann::json::array({one, reordered, one});
    REQUIRE(table_from_json(list, schema).rows() == 3);
    REQUIRE_THROWS_WITH(table_from_json(nlohmann::json::array(), schema),
                        ptest::contains("'instances' is empty"));
    REQUIRE_THROWS_WITH(table_from_json(nlohmann::json(5), schema),
                        ptest::contains("must be an object or an array"));
    REQUIRE_THROWS_WITH(parse_json_strict(R"({"temp":1e999})"),
                        ptest::contains("out of the range of a double"));
    nlohmann::json infinite = nlohmann::json::parse(R"({"temp":1,"vibration":2,"rpm":3})");
    infinite["rpm"] = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_WITH(table_from_json(infinite, schema),
                        ptest::contains("field 'rpm': number out of range"));
}

TEST_CASE("duplicate keys are found per object at any depth", "[io][json]") {
    // The same key in sibling objects is fine; twice in one object is not, however deep.
    const std::string siblings = R"({"instances":[{"temp":1},{"temp":2},{"a":{"temp":3}}]})";
    REQUIRE(parse_json_strict(siblings) == nlohmann::json::parse(siblings));
    REQUIRE_THROWS_WITH(parse_json_strict(R"({"instances":[{"a":{"b":1,"c":2,"b":3}}]})"),
                        ptest::contains("the key \"b\" appears twice in one object"));
    // A key repeated after its object closed belongs to the outer object: allowed once there.
    REQUIRE_NOTHROW(parse_json_strict(R"({"x":{"x":1},"y":{"x":2}})"));
    REQUIRE_THROWS_WITH(parse_json_strict(R"({"x":{"y":1},"x":2})"),
                        ptest::contains("the key \"x\" appears twice"));
    // A syntax error before a duplicate is reported as the syntax error, with its offset.
    REQUIRE_THROWS_WITH(parse_json_strict(R"({"a":tru,"a":1})"),
                        ptest::contains("invalid JSON at byte"));
    // Many objects in one array, the shape a callback parser handled in quadratic time.
    std::string many = "[";
    for (int i = 0; i < 20000; ++i) {
        many += i == 0 ? "{\"k\":1}" : ",{\"k\":1}";
    }
    many += "]";
    REQUIRE(parse_json_strict(many).size() == 20000);
}
