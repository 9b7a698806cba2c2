// SPDX-License-Identifier: Apache-2.0
#pragma once

// Command-line handling shared by the example programs. Every number is checked whole: "abc"
// or "12x" is an error naming the flag, never a silent 0 (which for --jobs would mean "all
// cores").

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cli {

class Args {
public:
    // `purpose` is one line for --help; `usage` lists the options.
    Args(const char* program, const char* purpose, const char* usage)
        : program_(program)
        , purpose_(purpose)
        , usage_(usage) {}

    [[noreturn]] void fail(const std::string& message) const {
        std::fprintf(stderr, "%s: %s\nusage: %s\n", program_, message.c_str(), usage_);
        std::exit(2);
    }

    // Prints the usage and exits 0 when `flag` asks for help.
    void help_if_asked(const std::string& flag) const {
        if (flag == "--help" || flag == "-h") {
            std::printf("%s: %s\nusage: %s\n", program_, purpose_, usage_);
            std::exit(0);
        }
    }

    // The value after the option argv[i], advancing i; an error when argv[i] is not an option
    // (a stray word would otherwise be reported as an option missing its value) or when no
    // value follows it.
    const char* value(int argc, char** argv, int& i) const {
        const std::string flag = argv[i];
        if (flag.rfind("--", 0) != 0) {
            fail("unexpected argument '" + flag + "'; options are written --name VALUE");
        }
        if (flag.find('=') != std::string::npos) {
            unknown(flag);
        }
        if (i + 1 >= argc) {
            fail(std::string("missing value after ") + argv[i]);
        }
        return argv[++i];
    }

    // An option none of the cases above took. "--name=value" gets a hint, since many programs
    // accept that spelling and these do not.
    [[noreturn]] void unknown(const std::string& flag) const {
        const auto equals = flag.find('=');
        if (equals != std::string::npos) {
            fail("write '" + flag.substr(0, equals) + " " + flag.substr(equals + 1) +
                 "' rather than '" + flag + "'");
        }
        fail("unknown option " + flag);
    }

    long long whole(const std::string& flag, const char* text, long long min, long long max) const {
        char* end = nullptr;
        const long long v = std::strtoll(text, &end, 10);
        if (end == text || *end != '\0' || v < min || v > max) {
            fail(flag + " needs a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max) + ", got '" + text + "'");
        }
        return v;
    }

    // A finite number above `floor`.
    double real_above(const std::string& flag, const char* text, double floor) const {
        char* end = nullptr;
        const double v = std::strtod(text, &end);
        if (end == text || *end != '\0' || !std::isfinite(v) || !(v > floor)) {
            char shown[32];
            std::snprintf(shown, sizeof shown, "%g", floor);
            fail(flag + " needs a number above " + shown + ", got '" + text + "'");
        }
        return v;
    }

private:
    const char* program_;
    const char* purpose_;
    const char* usage_;
};

} // namespace cli
