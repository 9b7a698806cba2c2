// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Reading CSV text (RFC 4180) into a Table, inferring numeric and categorical columns.
///
/// The reader takes the whole file into memory and parses it in one pass: sensor exports of a
/// few hundred thousand rows fit comfortably, and one pass over a contiguous buffer is several
/// times faster than line-by-line stream reading. Fields are kept as views into that buffer until
/// the column types are known, so a column that turns out to be categorical on its last row
/// needs no second read.
///
/// Rules, chosen so that a file either loads to exactly what it says or fails naming the place:
/// - The first record is the header. Column names must be non-empty and unique.
/// - Quoted fields may hold delimiters, line breaks and doubled quotes (`""` is one `"`).
///   A quote inside an unquoted field is an ordinary character, as most writers produce it.
///   After a closing quote only the delimiter or the end of the line may follow.
/// - Line ends may be LF, CRLF or a lone CR, mixed freely. A UTF-8 byte-order mark is removed
///   at the very start of the text only; anywhere else it is data.
/// - Empty lines at the end are ignored. An empty line followed by more data is an error
///   naming it (CsvOptions::skip_empty_lines skips them instead): an accidental blank line
///   usually means a broken export, and reading it as a row of missing values would feed
///   invented data to training. A missing value in a one-column file is therefore written as
///   `NA` or `""`, not as an empty line.
/// - Every record must have as many fields as the header; rows are never padded or cut.
/// - Line numbers in messages are 1-based physical lines, so they match what an editor shows
///   even when quoted fields span lines.

#include <prognos/core/error.hpp>
#include <prognos/data/table.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <ios>
#include <limits>
#include <locale>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace prognos {

/// How read_csv and parse_csv read text. The defaults suit exports from spreadsheets, pandas
/// and data loggers.
struct CsvOptions {
    /// What to do with a numeric field spelled as an infinity (`inf`, `-inf`, `Infinity`, any
    /// letter case, optional sign).
    enum class Infinity {
        parse, ///< read as ±infinity; an imputer treats it as missing, models reject it
        reject ///< a parse_error naming the line and column
    };

    /// Field separator. Must not be the quote character, CR or LF.
    char delimiter = ',';

    /// Quote character of RFC 4180.
    char quote = '"';

    /// Columns that are categorical even when every value looks like a number (machine ids,
    /// product codes such as 0042). Each name must be a column of the file.
    std::vector<std::string> categorical;

    /// Field texts that mean "missing", compared after unquoting and trimming, in numeric and
    /// categorical columns alike (quoting does not protect a value). Missing numbers become
    /// NaN, missing categories Column::missing_code. "None" is deliberately absent: in
    /// maintenance logs it is often a real category ("failure type: None"). Remove "NA" when a
    /// category is literally called NA.
    std::vector<std::string> missing_values = {
        "", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "-NaN", "NULL", "null", "#N/A"};

    /// Infinity handling; parsing is the default because infinities are real sensor output
    /// (a division by a zero reading) and the imputer can then replace them.
    Infinity infinity = Infinity::parse;

    /// Ignore spaces and tabs around unquoted fields (and around the quotes of quoted ones),
    /// so `1, 2, 3` and `L , M` read as `1`,`2`,`3` and `L`,`M`. Spaces inside quotes are
    /// always kept. A space or tab that is itself the delimiter is never trimmed.
    bool trim_whitespace = true;

    /// Skip empty lines between records instead of reporting them (see the file notes).
    bool skip_empty_lines = false;
};

namespace detail {
namespace csv {

/// What a field's text is as a number.
enum class NumberKind { not_number, finite, infinite };

inline bool equals_lower(std::string_view text, std::string_view lower) noexcept {
    if (text.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

inline bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

/// Locale-independent decimal parsing through a stream imbued with the classic locale. Used
/// where the standard library lacks floating-point std::from_chars; kept callable everywhere so
/// the tests can check both paths agree. `text` must already match the decimal grammar.
/// Returns false on overflow or underflow.
inline bool parse_decimal_stream(std::string_view text, double& out) {
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    in >> out;
    return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

/// Parses a decimal grammar match `text` (optional '-', never '+').
inline bool parse_decimal(std::string_view text, double& out) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
    const char* last = text.data() + text.size();
    const auto result = std::from_chars(text.data(), last, out, std::chars_format::general);
    return result.ec == std::errc() && result.ptr == last;
#else
    return parse_decimal_stream(text, out);
#endif
}

/**
 * Reads `text` as a number: `[+-] digits [. digits] [(e|E) [+-] digits]` with at least one
 * mantissa digit, or an infinity spelling. Anything else, including `nan` (a NaN arises only
 * from CsvOptions::missing_values), hex and surrounding spaces, is not a number.
 *
 * A magnitude beyond double's range becomes ±infinity and one below it a signed zero, as IEEE
 * rounding gives; the parsers report both as range errors, so the decimal exponent of the
 * leading digit is estimated here to tell them apart.
 */
inline NumberKind parse_number(std::string_view text, double& out) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    bool negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
        negative = text[i] == '-';
        ++i;
    }
    const std::string_view body = text.substr(i);
    if (equals_lower(body, "inf") || equals_lower(body, "infinity")) {
        out = negative ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
        return NumberKind::infinite;
    }

    // Check the grammar and estimate the decimal exponent of the leading non-zero digit.
    long integer_digits = 0;
    long leading_zeros = 0;
    while (i < n && is_digit(text[i])) {
        leading_zeros += (text[i] == '0' && leading_zeros == integer_digits) ? 1 : 0;
        ++integer_digits;
        ++i;
    }
    long fraction_digits = 0;
    long fraction_zeros = 0;
    if (i < n && text[i] == '.') {
        ++i;
        while (i < n && is_digit(text[i])) {
            fraction_zeros += (text[i] == '0' && fraction_zeros == fraction_digits) ? 1 : 0;
            ++fraction_digits;
            ++i;
        }
    }
    if (integer_digits + fraction_digits == 0) {
        return NumberKind::not_number;
    }
    long exponent = 0;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < n && (text[i] == '+' || text[i] == '-')) {
            exponent_negative = text[i] == '-';
            ++i;
        }
        if (i == n) {
            return NumberKind::not_number;
        }
        while (i < n && is_digit(text[i])) {
            exponent = std::min(exponent * 10 + (text[i] - '0'), 100000L);
            ++i;
        }
        exponent = exponent_negative ? -exponent : exponent;
    }
    if (i != n) {
        return NumberKind::not_number;
    }

    const std::string_view digits = text.substr(text.front() == '+' ? 1 : 0);
    if (parse_decimal(digits, out)) {
        return NumberKind::finite;
    }
    const long leading =
        integer_digits > leading_zeros ? integer_digits - leading_zeros - 1 : -(fraction_zeros + 1);
    if (leading + exponent > 0) {
        out = negative ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
        return NumberKind::infinite;
    }
    out = negative ? -0.0 : 0.0;
    return NumberKind::finite;
}

/// One field of a record: its text (a view into the input or into the unescape store), and the
/// line it starts on.
struct Field {
    std::string_view text;
    std::size_t line = 0;
};

/// Splits the text into records; knows nothing of types.
class Tokenizer {
public:
    enum class Status { record, empty_line, end };

    Tokenizer(std::string_view text, const CsvOptions& options, const std::string& source)
        : text_(text)
        , options_(options)
        , source_(source) {
        for (auto& s : stop_) {
            s = false;
        }
        stop_[static_cast<unsigned char>(options.delimiter)] = true;
        stop_[static_cast<unsigned char>('\n')] = true;
        stop_[static_cast<unsigned char>('\r')] = true;
        trim_space_ = options.trim_whitespace && options.delimiter != ' ';
        trim_tab_ = options.trim_whitespace && options.delimiter != '\t';
    }

    /// Column names, once the header is read, so errors can name columns.
    void set_names(const std::vector<std::string>* names) { names_ = names; }

    /// Reads the next record into `fields`; `line` receives the line it starts on.
    Status next(std::vector<Field>& fields, std::size_t& line) {
        fields.clear();
        line = line_;
        const std::size_t n = text_.size();
        if (pos_ >= n) {
            return Status::end;
        }
        std::size_t p = skip_blank(pos_);
        if (p >= n) {
            pos_ = n;
            return Status::empty_line;
        }
        if (text_[p] == '\n' || text_[p] == '\r') {
            pos_ = end_line(p);
            return Status::empty_line;
        }
        for (;;) {
            Field f;
            f.line = line_;
            p = skip_blank(pos_);
            if (p < n && text_[p] == options_.quote) {
                p = read_quoted(p, fields.size(), f);
            } else {
                std::size_t end = p;
                while (end < n && !stop_[static_cast<unsigned char>(text_[end])]) {
                    ++end;
                }
                std::size_t trimmed = end;
                while (trimmed > p && is_blank(text_[trimmed - 1])) {
                    --trimmed;
                }
                f.text = text_.substr(p, trimmed - p);
                p = end;
            }
            fields.push_back(f);
            if (p < n && text_[p] == options_.delimiter) {
                pos_ = p + 1;
                continue;
            }
            pos_ = p < n ? end_line(p) : n;
            return Status::record;
        }
    }

    /// "column 'temp' (3)" once the header is known, "column 3" before.
    std::string describe_column(std::size_t index) const {
        if (names_ != nullptr && index < names_->size()) {
            return "column '" + (*names_)[index] + "' (" + std::to_string(index + 1) + ")";
        }
        return "column " + std::to_string(index + 1);
    }

    [[noreturn]] void fail(std::size_t line, const std::string& what) const {
        PROGNOS_THROW(parse_error(source_ + ": line " + std::to_string(line) + ": " + what));
    }

private:
    bool is_blank(char c) const noexcept {
        return (c == ' ' && trim_space_) || (c == '\t' && trim_tab_);
    }

    std::size_t skip_blank(std::size_t p) const noexcept {
        while (p < text_.size() && is_blank(text_[p])) {
            ++p;
        }
        return p;
    }

    /// Consumes the line break at `p` (LF, CRLF or CR) and counts it.
    std::size_t end_line(std::size_t p) {
        ++line_;
        if (text_[p] == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n') {
            return p + 2;
        }
        return p + 1;
    }

    /// Reads the quoted field opening at `p`; returns the position after it.
    std::size_t read_quoted(std::size_t p, std::size_t column, Field& f) {
        const std::size_t n = text_.size();
        const std::size_t open_line = line_;
        const std::size_t start = ++p;
        bool doubled = false;
        for (;;) {
            if (p >= n) {
                fail(open_line,
                     "the quoted field in " + describe_column(column) +
                         " is never closed (its opening quote is on this line and no closing "
                         "quote follows before the end of the text)");
            }
            const char c = text_[p];
            if (c == options_.quote) {
                if (p + 1 < n && text_[p + 1] == options_.quote) {
                    doubled = true;
                    p += 2;
                    continue;
                }
                break;
            }
            if (c == '\n' || (c == '\r' && (p + 1 >= n || text_[p + 1] != '\n'))) {
                ++line_;
            }
            ++p;
        }
        f.text = text_.substr(start, p - start);
        if (doubled) {
            std::string unescaped;
            unescaped.reserve(f.text.size());
            for (std::size_t i = 0; i < f.text.size(); ++i) {
                unescaped.push_back(f.text[i]);
                i += f.text[i] == options_.quote ? 1 : 0;
            }
            // A deque never moves its elements, so views into them stay valid.
            unescaped_.push_back(std::move(unescaped));
            f.text = unescaped_.back();
        }
        p = skip_blank(p + 1);
        if (p < n && text_[p] != options_.delimiter && text_[p] != '\n' && text_[p] != '\r') {
            fail(line_,
                 "unexpected character '" + std::string(1, text_[p]) + "' after the closing " +
                     "quote of " + describe_column(column) +
                     " (a quote inside a quoted field is written twice: \"\")");
        }
        return p;
    }

    std::string_view text_;
    const CsvOptions& options_;
    const std::string& source_;
    const std::vector<std::string>* names_ = nullptr;
    std::deque<std::string> unescaped_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    bool stop_[256];
    bool trim_space_ = false;
    bool trim_tab_ = false;
};

/// A column while it is read: every field's text, and the numbers while it still looks numeric.
struct ColumnBuilder {
    std::vector<std::string_view> text;
    std::vector<std::uint8_t> missing;
    std::vector<double> numbers;
    bool numeric = true;
    bool forced_categorical = false;
    std::size_t first_infinity_line = 0;
    std::string_view first_infinity_text;
    // Counted for every column not forced categorical, to tell a text column from a numeric
    // one with a few damaged fields.
    std::size_t number_count = 0;
    std::size_t text_count = 0;
    std::size_t first_text_line = 0;
    std::string_view first_text;
};

inline void check_options(const CsvOptions& options) {
    auto bad = [](char c) { return c == '\n' || c == '\r'; };
    if (bad(options.delimiter) || bad(options.quote) || options.delimiter == options.quote) {
        PROGNOS_THROW(invalid_argument("parse_csv: CsvOptions::delimiter and quote must differ "
                                       "from each other and from CR and LF"));
    }
}

inline Column finish_column(std::string name, ColumnBuilder& b) {
    if (b.numeric) {
        return Column::numeric(std::move(name), std::move(b.numbers));
    }
    std::vector<std::int32_t> codes(b.text.size(), Column::missing_code);
    std::vector<std::string> categories;
    std::unordered_map<std::string_view, std::int32_t> index;
    for (std::size_t i = 0; i < b.text.size(); ++i) {
        if (b.missing[i] != 0) {
            continue;
        }
        auto it = index.find(b.text[i]);
        if (it == index.end()) {
            it = index.emplace(b.text[i], static_cast<std::int32_t>(categories.size())).first;
            categories.emplace_back(b.text[i]);
        }
        codes[i] = it->second;
    }
    return Column::categorical(std::move(name), std::move(codes), std::move(categories));
}

} // namespace csv
} // namespace detail

/**
 * Parses CSV text into a Table.
 *
 * A column is numeric when every non-missing field parses completely as a number (see
 * CsvOptions), otherwise categorical with categories in order of first appearance. A column
 * where at least half of the values are numbers but some are not is an error naming the first
 * such value: that is a damaged numeric column far more often than a text one (list it in
 * CsvOptions::categorical if it really is text). A column with no values at all is numeric and
 * entirely NaN. A header without data rows gives a table of zero rows.
 *
 * @param text the CSV text, header first
 * @param options delimiter, missing-value markers, forced categorical columns and more
 * @param source what to call the text in messages (read_csv passes the file path)
 * @throws parse_error naming `source`, the line and, where there is one, the column
 * @throws invalid_argument when the options are inconsistent or name a column the text lacks
 */
inline Table parse_csv(std::string_view text,
                       const CsvOptions& options = {},
                       const std::string& source = "<text>") {
    using namespace detail::csv;
    check_options(options);
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    Tokenizer tokenizer(text, options, source);
    std::vector<Field> fields;
    std::size_t line = 0;

    // Header.
    std::size_t first_empty_line = 0;
    auto status = tokenizer.next(fields, line);
    while (status == Tokenizer::Status::empty_line) {
        first_empty_line = first_empty_line == 0 ? line : first_empty_line;
        status = tokenizer.next(fields, line);
    }
    if (status == Tokenizer::Status::end) {
        PROGNOS_THROW(parse_error(source + ": empty file; expected a header row of column names"));
    }
    if (first_empty_line != 0 && !options.skip_empty_lines) {
        tokenizer.fail(first_empty_line,
                       "empty line before the header row; remove it or set "
                       "CsvOptions::skip_empty_lines");
    }
    first_empty_line = 0;
    std::vector<std::string> names;
    std::unordered_map<std::string_view, std::size_t> seen;
    for (std::size_t j = 0; j < fields.size(); ++j) {
        if (fields[j].text.empty()) {
            tokenizer.fail(line, "column " + std::to_string(j + 1) + " has an empty name");
        }
        const auto inserted = seen.emplace(fields[j].text, j);
        if (!inserted.second) {
            tokenizer.fail(line,
                           "column name '" + std::string(fields[j].text) + "' is used twice (" +
                               "columns " + std::to_string(inserted.first->second + 1) + " and " +
                               std::to_string(j + 1) + ")");
        }
        names.emplace_back(fields[j].text);
    }
    tokenizer.set_names(&names);
    const std::size_t n_cols = names.size();

    std::vector<ColumnBuilder> columns(n_cols);
    for (const auto& forced : options.categorical) {
        const auto it = seen.find(forced);
        if (it == seen.end()) {
            std::string list;
            for (const auto& n : names) {
                list += (list.empty() ? "'" : ", '") + n + "'";
            }
            PROGNOS_THROW(invalid_argument("parse_csv: CsvOptions::categorical names '" + forced +
                                           "', which is not a column of " + source +
                                           "; its columns are " + list));
        }
        columns[it->second].numeric = false;
        columns[it->second].forced_categorical = true;
    }
    // Every line is at most one row, so the line count bounds the rows to reserve.
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (auto& c : columns) {
        c.text.reserve(lines);
        c.missing.reserve(lines);
        if (c.numeric) {
            c.numbers.reserve(lines);
        }
    }

    // Data rows.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (;;) {
        status = tokenizer.next(fields, line);
        if (status == Tokenizer::Status::end) {
            break;
        }
        if (status == Tokenizer::Status::empty_line) {
            first_empty_line = first_empty_line == 0 ? line : first_empty_line;
            continue;
        }
        if (first_empty_line != 0 && !options.skip_empty_lines) {
            tokenizer.fail(first_empty_line,
                           "empty line inside the data (more rows follow on line " +
                               std::to_string(line) +
                               "); remove it or set CsvOptions::skip_empty_lines");
        }
        first_empty_line = 0;
        if (fields.size() != n_cols) {
            const std::string detail =
                fields.size() < n_cols
                    ? " (no value for " + tokenizer.describe_column(fields.size()) + ")"
                    : " (field " + std::to_string(n_cols + 1) + " has no column)";
            tokenizer.fail(line,
                           "expected " + std::to_string(n_cols) + " fields as in the header, got " +
                               std::to_string(fields.size()) + detail);
        }
        for (std::size_t j = 0; j < n_cols; ++j) {
            ColumnBuilder& c = columns[j];
            const std::string_view value = fields[j].text;
            bool missing = false;
            for (const auto& marker : options.missing_values) {
                if (marker == value) {
                    missing = true;
                    break;
                }
            }
            c.text.push_back(value);
            c.missing.push_back(missing ? 1 : 0);
            if (c.forced_categorical) {
                continue;
            }
            double v = nan;
            const NumberKind kind = missing ? NumberKind::finite : parse_number(value, v);
            if (kind == NumberKind::not_number) {
                if (c.text_count++ == 0) {
                    c.first_text_line = fields[j].line;
                    c.first_text = value;
                }
                c.numeric = false;
                c.numbers = std::vector<double>();
                continue;
            }
            c.number_count += missing ? 0 : 1;
            if (!c.numeric) {
                continue;
            }
            if (kind == NumberKind::infinite && c.first_infinity_line == 0) {
                c.first_infinity_line = fields[j].line;
                c.first_infinity_text = value;
            }
            c.numbers.push_back(v);
        }
    }

    // Types are now known.
    Table table;
    for (std::size_t j = 0; j < n_cols; ++j) {
        ColumnBuilder& c = columns[j];
        // Mostly numbers with a few words is a damaged numeric column far more often than a
        // text column: reading it as categories would silently give every distinct reading
        // its own one-hot feature. Refuse it and say how to proceed either way.
        if (c.text_count > 0 && c.number_count >= c.text_count) {
            tokenizer.fail(c.first_text_line,
                           tokenizer.describe_column(j) + ": '" + std::string(c.first_text) +
                               "' is not a number, although " + std::to_string(c.number_count) +
                               " of the column's " + std::to_string(c.number_count + c.text_count) +
                               " values are; fix the value, add it to "
                               "CsvOptions::missing_values, or name the column in "
                               "CsvOptions::categorical");
        }
        if (c.numeric && c.first_infinity_line != 0 &&
            options.infinity == CsvOptions::Infinity::reject) {
            tokenizer.fail(c.first_infinity_line,
                           tokenizer.describe_column(j) + ": '" +
                               std::string(c.first_infinity_text) +
                               "' is an infinity, which CsvOptions::infinity = reject refuses");
        }
        table.add(finish_column(names[j], c));
    }
    return table;
}

/**
 * Reads a CSV file into a Table; see parse_csv for the rules. The file is read whole, in binary
 * mode, so line ends reach the parser unchanged on every platform.
 *
 * @throws io_error when the file cannot be opened or read (the message names the path)
 * @throws parse_error for malformed content, naming the path, line and column
 */
inline Table read_csv(const std::string& path, const CsvOptions& options = {}) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        PROGNOS_THROW(io_error("read_csv: cannot read '" + path + "': it is a directory"));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        PROGNOS_THROW(io_error("read_csv: cannot open '" + path + "'" +
                               (err != 0 ? ": " + std::generic_category().message(err) : "")));
    }
    std::string buffer;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) {
        buffer.reserve(static_cast<std::size_t>(size));
    }
    std::vector<char> chunk(1 << 16);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
        buffer.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        PROGNOS_THROW(io_error("read_csv: cannot read '" + path + "'"));
    }
    return parse_csv(buffer, options, path);
}

} // namespace prognos
