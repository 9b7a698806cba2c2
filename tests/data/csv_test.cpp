// SPDX-License-Identifier: Apache-2.0
#include <prognos/data/csv.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "support/catch.hpp"

using prognos::CsvOptions;
using prognos::parse_csv;
using prognos::read_csv;
using prognos::Table;

namespace {

std::string data_path(const std::string& relative) {
    return std::string(PROGNOS_TEST_DATA_DIR) + "/" + relative;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> texts(const prognos::Column& c) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < c.size(); ++i) {
        out.emplace_back(c.category_at(i));
    }
    return out;
}

void require_same_table(const Table& a, const Table& b) {
    REQUIRE(a.names() == b.names());
    REQUIRE(a.rows() == b.rows());
    for (std::size_t j = 0; j < a.cols(); ++j) {
        REQUIRE(a.column(j).type() == b.column(j).type());
        if (a.column(j).is_numeric()) {
            REQUIRE(a.column(j).numbers() == b.column(j).numbers());
        } else {
            REQUIRE(texts(a.column(j)) == texts(b.column(j)));
        }
    }
}

} // namespace

TEST_CASE("case 022: quoted fields keep delimiters and doubled quotes and line breaks",
          "[data][csv]") {
    const Table t = read_csv(data_path("cases/022-csv-quoted-fields/input.csv"));
    REQUIRE(t.rows() == 4);
    REQUIRE(t.cols() == 5);
    REQUIRE(t.names() == std::vector<std::string>{"id", "hours", "temp", "note", "label"});

    const auto& note = t.column("note");
    REQUIRE(note.is_categorical());
    REQUIRE(texts(note) == std::vector<std::string>{"bearing noise, intermittent",
                                                    "tech wrote \"ok\" on card",
                                                    "two-line\nnote",
                                                    "plain"});
    // Values as written in the file; each is exactly representable or the nearest double of
    // its decimal text, so exact comparison is right.
    REQUIRE(t.column("hours").numbers() == std::vector<double>{120, 340, 560, 800});
    REQUIRE(t.column("temp").numbers() == std::vector<double>{71.5, 74.0, 79.5, 82.0});
    REQUIRE(t.column("label").numbers() == std::vector<double>{0, 0, 1, 1});
}

TEST_CASE("an unterminated quote names the line where the field opened", "[data][csv]") {
    const std::string text = "id,note,label\n1,ok,0\n2,\"runs on\n3,x,1\n4,y,0\n";
    REQUIRE_THROWS_AS(parse_csv(text, {}, "log.csv"), prognos::parse_error);
    REQUIRE_THROWS_WITH(parse_csv(text, {}, "log.csv"),
                        ptest::contains("log.csv: line 3: the quoted field in column 'note' (2) "
                                        "is never closed"));
}

TEST_CASE("a row with too few or too many fields is an error naming the line", "[data][csv]") {
    const std::string few = "a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n";
    REQUIRE_THROWS_WITH(parse_csv(few, {}, "f.csv"),
                        ptest::contains("f.csv: line 5: expected 5 fields as in the header, got 4 "
                                        "(no value for column 'e' (5))"));
    const std::string many = "a,b\n1,2\n1,2,3\n";
    REQUIRE_THROWS_WITH(
        parse_csv(many),
        ptest::contains("<text>: line 3: expected 2 fields as in the header, got 3"));
    // A quoted line break counts as a line: the short record starts on line 4.
    const std::string multi = "a,b\n\"x\ny\",2\n1\n";
    REQUIRE_THROWS_WITH(parse_csv(multi), ptest::contains("line 4: expected 2 fields"));
}

TEST_CASE("text after a closing quote is an error naming line and column", "[data][csv]") {
    REQUIRE_THROWS_WITH(parse_csv("a,b\n1,\"x\"y\n"),
                        ptest::contains("line 2: unexpected character 'y' after the closing "
                                        "quote of column 'b' (2)"));
    // A quote inside an unquoted field is an ordinary character.
    const Table t = parse_csv("a,b\n1,5\"2\n");
    REQUIRE(texts(t.column("b")) == std::vector<std::string>{"5\"2"});
}

TEST_CASE("case 024: a byte-order mark is stripped at the start only", "[data][csv]") {
    const Table t = read_csv(data_path("cases/024-csv-utf8-bom/input.csv"));
    REQUIRE(t.names() == std::vector<std::string>{"machine_id", "temp", "label"});
    REQUIRE(t.names()[0].size() == 10);
    REQUIRE(t.names()[1].size() == 4);
    REQUIRE(t.names()[2].size() == 5);
    REQUIRE(t.rows() == 3);
    REQUIRE(t.has("machine_id"));
    REQUIRE(texts(t.select({"machine_id"}).column(0)) ==
            std::vector<std::string>{"M1", "M2", "M3"});
    REQUIRE(t.drop({"machine_id"}).names() == std::vector<std::string>{"temp", "label"});
    // CRLF does not leak into the last field: it parses as numbers.
    REQUIRE(t.column("label").is_numeric());
    REQUIRE(t.column("label").numbers() == std::vector<double>{0, 0, 1});
    REQUIRE(t.column("temp").numbers() == std::vector<double>{70.5, 71.0, 79.5});

    // A byte-order mark anywhere else is data.
    const std::string bom = "\xEF\xBB\xBF";
    const Table mid = parse_csv(bom + "id,x\n" + bom + "a,1\n");
    REQUIRE(mid.names()[0] == "id");
    REQUIRE(texts(mid.column("id")) == std::vector<std::string>{bom + "a"});
    // Only once: a second mark at the start stays in the name.
    REQUIRE(parse_csv(bom + bom + "id\n1\n").names()[0] == bom + "id");
}

TEST_CASE("case 025: CRLF line ends and a trailing empty line", "[data][csv]") {
    const std::string path = data_path("cases/025-csv-crlf-and-trailing-newline/input.csv");
    const Table t = read_csv(path);
    REQUIRE(t.rows() == 3);
    REQUIRE(t.column("label").is_numeric());
    REQUIRE(t.column("label").numbers() == std::vector<double>{0, 0, 1});
    const auto& status = t.column("status");
    REQUIRE(status.is_categorical());
    REQUIRE(status.categories() == std::vector<std::string>{"ok", "worn"});
    REQUIRE(texts(status) == std::vector<std::string>{"ok", "ok", "worn"});

    // The same content with LF ends, without the final newline, or with lone CR ends loads
    // to the identical table.
    std::string lf;
    for (char c : slurp(path)) {
        if (c != '\r') {
            lf.push_back(c);
        }
    }
    require_same_table(t, parse_csv(lf));
    std::string bare = lf;
    while (!bare.empty() && bare.back() == '\n') {
        bare.pop_back();
    }
    require_same_table(t, parse_csv(bare));
    std::string cr = lf;
    for (char& c : cr) {
        c = c == '\n' ? '\r' : c;
    }
    require_same_table(t, parse_csv(cr));
}

TEST_CASE("an empty line inside the data is an error naming it unless skipped", "[data][csv]") {
    const std::string text = "a,b\n1,2\n\n3,4\n\n\n";
    REQUIRE_THROWS_WITH(parse_csv(text, {}, "gap.csv"),
                        ptest::contains("gap.csv: line 3: empty line inside the data"));
    CsvOptions skip;
    skip.skip_empty_lines = true;
    const Table t = parse_csv(text, skip);
    REQUIRE(t.rows() == 2);
    REQUIRE(t.column("b").numbers() == std::vector<double>{2, 4});
    // A line of blanks counts as empty.
    REQUIRE(parse_csv("a,b\n1,2\n  \n").rows() == 1);
    REQUIRE_THROWS_WITH(parse_csv("\na,b\n1,2\n"),
                        ptest::contains("line 1: empty line before the header row"));
}

TEST_CASE("case 033 csv: nan and empty are missing and inf is parsed or rejected", "[data][csv]") {
    const std::string path = data_path("cases/033-nan-inf-in-training-data/input.csv");
    const Table t = read_csv(path);
    REQUIRE(t.rows() == 6);
    const auto& temp = t.column("temp").numbers();
    const auto& vib = t.column("vibration").numbers();
    REQUIRE(t.column("temp").is_numeric());
    REQUIRE(t.column("vibration").is_numeric());
    REQUIRE(std::isnan(vib[1])); // "nan"
    REQUIRE(std::isnan(vib[4])); // empty field
    REQUIRE(std::isnan(temp[5]));
    REQUIRE(temp[3] == std::numeric_limits<double>::infinity()); // never 0
    REQUIRE(temp[0] == 70);
    REQUIRE(vib[0] == 0.2);

    CsvOptions reject;
    reject.infinity = CsvOptions::Infinity::reject;
    REQUIRE_THROWS_AS(read_csv(path, reject), prognos::parse_error);
    REQUIRE_THROWS_WITH(read_csv(path, reject),
                        ptest::contains(path + ": line 5: column 'temp' (1): 'inf' is an "
                                               "infinity"));
}

TEST_CASE("numbers follow one locale-independent grammar", "[data][csv]") {
    const Table t = parse_csv("x\n+5\n-2.5e3\n.5\n5.\n1E2\n-Infinity\n INF \n1e999\n1e-400\n");
    const auto& x = t.column("x").numbers();
    REQUIRE(t.column("x").is_numeric());
    const double inf = std::numeric_limits<double>::infinity();
    REQUIRE(x == std::vector<double>{5, -2500, 0.5, 5, 100, -inf, inf, inf, 0});

    // None of these is a number: beside a word they are text, never read partly; beside
    // numbers that outnumber them they are an error (see the damaged-column test).
    for (const char* text : {"1e", "0x10", "1,5", "12abc", "--1", "+-1", ".", "nan(1)", "1 2"}) {
        const Table c = parse_csv(std::string("x\nword\n\"") + text + "\"\n");
        INFO(text);
        REQUIRE(c.column("x").is_categorical());
        REQUIRE(texts(c.column("x"))[1] == text);
        REQUIRE_THROWS_AS(parse_csv(std::string("x\n1\n\"") + text + "\"\n"), prognos::parse_error);
    }

    // The stream fallback agrees with the main parser wherever the library has both.
    for (const char* text : {"0.1", "-123.456e-7", "1.7976931348623157e308", "5e-324", "42"}) {
        double a = 0;
        double b = 1;
        REQUIRE(prognos::detail::csv::parse_decimal(text, a));
        REQUIRE(prognos::detail::csv::parse_decimal_stream(text, b));
        REQUIRE(a == b);
    }
}

TEST_CASE("missing markers apply to every column and can be changed", "[data][csv]") {
    const Table t = parse_csv("a,b\nNA,x\n1,NULL\n\"\",y\n");
    REQUIRE(std::isnan(t.column("a").numbers()[0]));
    REQUIRE(std::isnan(t.column("a").numbers()[2]));
    REQUIRE(t.column("b").is_missing(1));
    REQUIRE(t.column("b").categories() == std::vector<std::string>{"x", "y"});

    // "nan" that is not a missing marker is text, not a number.
    CsvOptions only_empty;
    only_empty.missing_values = {""};
    const Table u = parse_csv("a\nn/a\nnan\n\n", only_empty);
    REQUIRE(u.column("a").is_categorical());
    REQUIRE(texts(u.column("a")) == std::vector<std::string>{"n/a", "nan"});
    REQUIRE_THROWS_WITH(parse_csv("a\n1\nnan\n\n", only_empty),
                        ptest::contains("'nan' is not a number"));
}

TEST_CASE("forced categorical columns keep numeric-looking text", "[data][csv]") {
    CsvOptions options;
    options.categorical = {"machine"};
    const Table t = parse_csv("machine,temp\n0042,70\n7,71\n0042,72\n", options);
    REQUIRE(t.column("machine").is_categorical());
    REQUIRE(t.column("machine").categories() == std::vector<std::string>{"0042", "7"});
    REQUIRE(t.column("machine").codes() == std::vector<std::int32_t>{0, 1, 0});
    REQUIRE(t.column("temp").is_numeric());

    options.categorical = {"machin"};
    REQUIRE_THROWS_AS(parse_csv("machine,temp\n1,2\n", options), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(parse_csv("machine,temp\n1,2\n", options),
                        ptest::contains("'machin', which is not a column of <text>; its columns "
                                        "are 'machine', 'temp'"));
}

TEST_CASE("whitespace around unquoted fields is trimmed and kept inside quotes", "[data][csv]") {
    const Table t = parse_csv(" a , b ,c\n 1 , L ,\" q \"\n2,\tM\t, \"r\" \n");
    REQUIRE(t.names() == std::vector<std::string>{"a", "b", "c"});
    REQUIRE(t.column("a").numbers() == std::vector<double>{1, 2});
    REQUIRE(texts(t.column("b")) == std::vector<std::string>{"L", "M"});
    REQUIRE(texts(t.column("c")) == std::vector<std::string>{" q ", "r"});

    CsvOptions keep;
    keep.trim_whitespace = false;
    const Table u = parse_csv("a,b\n1, L\n", keep);
    REQUIRE(texts(u.column("b")) == std::vector<std::string>{" L"});

    // With tab as the delimiter, tabs separate fields and empty fields stay missing.
    CsvOptions tab;
    tab.delimiter = '\t';
    const Table v = parse_csv("a\tb\n1\t\n", tab);
    REQUIRE(v.rows() == 1);
    REQUIRE(v.cols() == 2);
    REQUIRE(std::isnan(v.column("b").numbers()[0]));
}

TEST_CASE("header errors and unreadable files are reported", "[data][csv]") {
    REQUIRE_THROWS_WITH(parse_csv("", {}, "e.csv"), ptest::contains("e.csv: empty file"));
    REQUIRE_THROWS_WITH(parse_csv("\xEF\xBB\xBF\r\n\r\n"), ptest::contains("empty file"));
    REQUIRE_THROWS_WITH(parse_csv("a,,c\n1,2,3\n"),
                        ptest::contains("line 1: column 2 has an empty name"));
    REQUIRE_THROWS_WITH(parse_csv("a,b,a\n1,2,3\n"),
                        ptest::contains("line 1: column name 'a' is used twice (columns 1 and 3)"));
    const std::string missing = data_path("csv/does_not_exist.csv");
    REQUIRE_THROWS_AS(read_csv(missing), prognos::io_error);
    REQUIRE_THROWS_WITH(read_csv(missing), ptest::contains("cannot open '" + missing + "'"));
    REQUIRE_THROWS_AS(read_csv(data_path("csv")), prognos::io_error);

    CsvOptions bad;
    bad.delimiter = '"';
    REQUIRE_THROWS_AS(parse_csv("a\n1\n", bad), prognos::invalid_argument);

    // A header without rows is a table of zero rows; all-missing columns are numeric NaN.
    const Table empty = parse_csv("a,b\n");
    REQUIRE(empty.cols() == 2);
    REQUIRE(empty.rows() == 0);
    const Table blank = parse_csv("a,b\n,1\nNA,2\n");
    REQUIRE(blank.column("a").is_numeric());
    REQUIRE(std::isnan(blank.column("a").numbers()[1]));
}

TEST_CASE("the first rows of AI4I 2020 load with the right names and types", "[data][csv]") {
    const Table t = read_csv(data_path("csv/ai4i2020_head20.csv"));
    REQUIRE(t.rows() == 20);
    REQUIRE(t.names() == std::vector<std::string>{"UDI",
                                                  "Product ID",
                                                  "Type",
                                                  "Air temperature [K]",
                                                  "Process temperature [K]",
                                                  "Rotational speed [rpm]",
                                                  "Torque [Nm]",
                                                  "Tool wear [min]",
                                                  "Machine failure",
                                                  "TWF",
                                                  "HDF",
                                                  "PWF",
                                                  "OSF",
                                                  "RNF"});
    const auto& type = t.column("Type");
    REQUIRE(type.is_categorical());
    // Order of first appearance in the excerpt: M (row 1), L (row 2), H (row 11).
    REQUIRE(type.categories() == std::vector<std::string>{"M", "L", "H"});
    REQUIRE(type.category_at(10) == "H");
    REQUIRE(t.column("Product ID").is_categorical());
    REQUIRE(t.column("Product ID").category_at(0) == "M14860");
    for (const char* numeric : {"UDI",
                                "Air temperature [K]",
                                "Process temperature [K]",
                                "Rotational speed [rpm]",
                                "Torque [Nm]",
                                "Tool wear [min]",
                                "Machine failure"}) {
        INFO(numeric);
        REQUIRE(t.column(std::string_view(numeric)).is_numeric());
    }
    // Row 1 and row 20 of the file, as written there.
    REQUIRE(t.column("Air temperature [K]").numbers()[0] == 298.1);
    REQUIRE(t.column("Process temperature [K]").numbers()[0] == 308.6);
    REQUIRE(t.column("Rotational speed [rpm]").numbers()[0] == 1551);
    REQUIRE(t.column("Torque [Nm]").numbers()[0] == 42.8);
    REQUIRE(t.column("Tool wear [min]").numbers()[19] == 55);
    REQUIRE(t.column("Torque [Nm]").numbers()[19] == 32.5);
    REQUIRE(t.column("UDI").numbers()[19] == 20);
}

TEST_CASE("a numeric column with a few non-numbers is refused with the first one named",
          "[data][csv]") {
    // One damaged reading must not turn a sensor column into thousands of categories.
    const std::string text = "torque,type\n40.1,L\n39.5,M\nERR,L\n41.0,H\n";
    REQUIRE_THROWS_WITH(
        prognos::parse_csv(text, {}, "log.csv"),
        ptest::contains("log.csv: line 4") && ptest::contains("'torque'") &&
            ptest::contains("'ERR' is not a number, although 3 of the column's 4") &&
            ptest::contains("CsvOptions::categorical"));
    // Named as categorical it is read as text; listed as missing it is a gap.
    prognos::CsvOptions as_text;
    as_text.categorical = {"torque"};
    REQUIRE(prognos::parse_csv(text, as_text).column("torque").is_categorical());
    prognos::CsvOptions as_missing;
    as_missing.missing_values.push_back("ERR");
    const auto t = prognos::parse_csv(text, as_missing);
    REQUIRE(t.column("torque").is_numeric());
    REQUIRE(t.column("torque").is_missing(2));
    // Mostly text with a few numbers stays categorical: that is what text columns look like.
    const auto ids = prognos::parse_csv("id\nA7\nB2\n100\nC9\n");
    REQUIRE(ids.column("id").is_categorical());
    REQUIRE(ids.column("id").categories().size() == 4);
}
