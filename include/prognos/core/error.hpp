// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The exceptions prognos throws.
///
/// Every exception derives from prognos::error, so one handler catches them all, and also from
/// the standard class that fits its kind, so code that only knows the standard library still
/// catches it as std::invalid_argument, std::logic_error or std::runtime_error. prognos::error
/// deliberately does not derive from std::exception itself: a second std::exception base would
/// make `catch (const std::exception&)` ambiguous, and that handler would then never match.

#include <prognos/config.hpp>

#include <stdexcept>
#include <string>

namespace prognos {

/// Common base of every prognos exception. Catch this to handle any prognos error.
class error {
public:
    virtual ~error() = default;
    /// The message: what went wrong, naming the estimator, parameter, column or file involved.
    virtual const char* what() const noexcept = 0;
};

/// A parameter, a shape or a value given by the caller is not acceptable: a negative depth, a
/// matrix with the wrong number of columns, NaN where a model cannot take it.
class invalid_argument : public error, public std::invalid_argument {
public:
    explicit invalid_argument(const std::string& message)
        : std::invalid_argument(message) {}

    const char* what() const noexcept override { return std::invalid_argument::what(); }
};

/// One value of the input is unusable: NaN or infinity where the model needs a finite number.
/// Carries the position so that a caller who knows the column names (a pipeline, a server) can
/// name the column in its own message.
class bad_value : public invalid_argument {
public:
    bad_value(const std::string& message, long long row, long long column)
        : invalid_argument(message)
        , row_(row)
        , column_(column) {}

    /// Zero-based row of the offending value.
    long long row() const noexcept { return row_; }

    /// Zero-based column (feature) of the offending value, as the throwing object saw it.
    long long column() const noexcept { return column_; }

private:
    long long row_;
    long long column_;
};

/// A method was called before the object was fitted (or loaded).
class not_fitted : public error, public std::logic_error {
public:
    explicit not_fitted(const std::string& message)
        : std::logic_error(message) {}

    const char* what() const noexcept override { return std::logic_error::what(); }
};

/// A computation failed although its input was acceptable, such as a loss that became
/// non-finite.
class numerical_error : public error, public std::runtime_error {
public:
    explicit numerical_error(const std::string& message)
        : std::runtime_error(message) {}

    const char* what() const noexcept override { return std::runtime_error::what(); }
};

/// Text or a file could not be read: malformed CSV, a corrupt, truncated or foreign artifact.
/// The message names the source and, where it has one, the line and column.
class parse_error : public error, public std::runtime_error {
public:
    explicit parse_error(const std::string& message)
        : std::runtime_error(message) {}

    const char* what() const noexcept override { return std::runtime_error::what(); }
};

/// The operating system refused a file operation (cannot open, cannot write).
class io_error : public error, public std::runtime_error {
public:
    explicit io_error(const std::string& message)
        : std::runtime_error(message) {}

    const char* what() const noexcept override { return std::runtime_error::what(); }
};

} // namespace prognos
