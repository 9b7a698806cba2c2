// SPDX-License-Identifier: Apache-2.0
// predict_server: serves a saved AI4I pipeline over HTTP on one host and port.
//
//   predict_server --model ai4i.prognos [--host 127.0.0.1] [--port 8080]
//                  [--max-body-bytes 1048576] [--max-instances 10000] [--threads 32]
//
//   POST /predict  {"instances": ...}  -> class and probabilities (see predict_service.hpp)
//   GET  /health                       -> {"status": "ok"}
//   GET  /model                        -> features, classes, metrics, versions, limits
//
// Every answer is JSON; every error is {"error": "...", "status": N}. --port 0 picks a free
// port. The chosen address is printed as "listening on http://HOST:PORT" once the socket is
// bound, so scripts and tests can wait for that line.

#include <prognos/io/artifact.hpp>

#include <httplib.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../ai4i_pipeline.hpp"
#include "../cli.hpp"
#include "predict_service.hpp"
#include <sys/socket.h>

namespace {

httplib::Server* running_server = nullptr;

void stop_on_signal(int) {
    if (running_server != nullptr) {
        running_server->stop();
    }
}

struct Options {
    std::string model;
    std::string host = "127.0.0.1";
    int port = 8080;
    predict_server::Limits limits;
    int threads = 64;
};

Options parse(int argc, char** argv) {
    const cli::Args args("predict_server",
                         "serves a saved AI4I pipeline over HTTP (see docs/server-api.md)",
                         "predict_server --model FILE [--host H] [--port P] "
                         "[--max-body-bytes N] [--max-instances N] [--threads N]");
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        args.help_if_asked(flag);
        const char* value = args.value(argc, argv, i);
        if (flag == "--model") {
            o.model = value;
        } else if (flag == "--host") {
            o.host = value;
        } else if (flag == "--port") {
            o.port = static_cast<int>(args.whole(flag, value, 0, 65535));
        } else if (flag == "--max-body-bytes") {
            o.limits.max_body_bytes =
                static_cast<std::size_t>(args.whole(flag, value, 64, 1LL << 32));
        } else if (flag == "--max-instances") {
            o.limits.max_instances = static_cast<std::size_t>(args.whole(flag, value, 1, 10000000));
        } else if (flag == "--threads") {
            o.threads = static_cast<int>(args.whole(flag, value, 1, 1024));
        } else {
            args.unknown(flag);
        }
    }
    if (o.model.empty()) {
        args.fail("--model is required");
    }
    return o;
}

const char* status_text(int status) {
    switch (status) {
    case 400:
        return "bad request";
    case 404:
        return "no such endpoint (POST /predict, GET /health, GET /model)";
    case 405:
        return "method not allowed";
    case 408:
        return "request timeout";
    case 413:
        return "request body too large";
    case 414:
        return "request URI too long";
    default:
        return status >= 500 ? "internal error" : "request refused";
    }
}

// httplib parses Content-Length leniently: "-5" becomes a huge length (answered 413), "0x10"
// becomes 0. A header that is not a plain byte count is a malformed request; say so.
bool content_length_malformed(const httplib::Request& req) {
    if (!req.has_header("Content-Length")) {
        return false;
    }
    const std::string value = req.get_header_value("Content-Length");
    return value.empty() || value.find_first_not_of("0123456789") != std::string::npos;
}

predict_server::Reply malformed_content_length(const httplib::Request& req) {
    return predict_server::error_reply(
        400, "Content-Length '" + req.get_header_value("Content-Length") + "' is not a byte count");
}

// Asks the client to close the connection after this answer; httplib already says so when the
// client's request did, and a second header line would be a protocol error for some clients.
void close_after(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Connection") != "close") {
        res.set_header("Connection", "close");
    }
}

void reply(httplib::Response& res, const predict_server::Reply& r) {
    res.status = r.status;
    res.set_content(r.body, "application/json");
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);

    prognos::io::ArtifactInfo info;
    ai4i::Pipeline pipeline;
    try {
        info = prognos::io::load(options.model, pipeline);
    } catch (const prognos::error& e) {
        std::fprintf(stderr, "predict_server: cannot load the model: %s\n", e.what());
        return 1;
    }
    const predict_server::PredictService<ai4i::Pipeline> service(
        std::move(pipeline), info, options.limits);

    httplib::Server server;
    // One thread per open connection: a keep-alive client holds its thread between requests,
    // so fewer threads than concurrent clients would make the others queue.
    const auto threads = static_cast<std::size_t>(options.threads);
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(options.limits.max_body_bytes);
    server.set_keep_alive_max_count(100000);
    // An idle keep-alive connection holds a worker thread; drop it after two quiet seconds so
    // idle clients cannot occupy the pool for long.
    server.set_keep_alive_timeout(2);
    // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm holds
    // the second write until the client's delayed ACK, adding about 40 ms to every answer.
    server.set_tcp_nodelay(true);
    // httplib's default sets SO_REUSEPORT, which lets a second server bind the same port and
    // take a share of the connections, so requests would reach two different models. Plain
    // SO_REUSEADDR still allows a restart while old connections linger in TIME_WAIT, but a
    // port another server is listening on stays refused.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    // The body is read here rather than by httplib, which would otherwise also apply a fixed
    // 8 KiB cap to bodies labelled as form data (curl's default label) and so silently
    // override the one documented limit.
    server.Post(
        "/predict",
        [&](const httplib::Request& req,
            httplib::Response& res,
            const httplib::ContentReader& read) {
            if (content_length_malformed(req)) {
                // httplib reads a prefix of it ("0x10" as 0); the length it used is not the
                // client's, so nothing read with it can be trusted.
                reply(res, malformed_content_length(req));
                close_after(req, res);
                return;
            }
            std::string body;
            bool too_large = false;
            const bool complete = read([&](const char* data, std::size_t length) {
                if (body.size() + length > options.limits.max_body_bytes) {
                    too_large = true;
                    return false;
                }
                body.append(data, length);
                return true;
            });
            // httplib refuses a declared Content-Length over the limit itself, before reading, and
            // marks the response 413; a chunked body is cut off by the check above.
            too_large = too_large || (!complete && res.status == 413);
            if (!complete) {
                if (too_large) {
                    reply(res,
                          predict_server::error_reply(
                              413,
                              "request body larger than " +
                                  std::to_string(options.limits.max_body_bytes) + " bytes"));
                } else {
                    reply(res,
                          predict_server::error_reply(400, "the request body could not be read"));
                }
                close_after(req, res);
                return;
            }
            const auto r = service.predict(body);
            if (r.status == 400) {
                // The body may have been cut short by a wrong Content-Length; whatever follows on
                // this connection cannot be trusted to start a request, so close it.
                close_after(req, res);
            }
            reply(res, r);
        });
    // The right path with the wrong method says so, instead of "not found".
    auto method_not_allowed = [](const char* allowed) {
        return [allowed](const httplib::Request& req, httplib::Response& res) {
            reply(res,
                  predict_server::error_reply(
                      405, req.method + " is not allowed on " + req.path + "; use " + allowed));
            res.set_header("Allow", allowed);
        };
    };
    server.Get("/predict", method_not_allowed("POST"));
    server.Post("/health", method_not_allowed("GET"));
    server.Post("/model", method_not_allowed("GET"));
    server.Post(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
        reply(res, predict_server::error_reply(404, status_text(404)));
    });
    server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"status":"ok"})", "application/json");
    });
    server.Get("/model", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(predict_server::dump(service.model_info()), "application/json");
    });
    // Errors httplib raises itself (413 from Content-Length, 404, 400 on a malformed request
    // line) get the same JSON shape as ours.
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [&](const httplib::Request& req,
            httplib::Response& res) -> httplib::Server::HandlerResponse {
            if (!res.body.empty()) {
                return httplib::Server::HandlerResponse::Unhandled;
            }
            if (content_length_malformed(req)) {
                reply(res, malformed_content_length(req));
                return httplib::Server::HandlerResponse::Handled;
            }
            std::string message = status_text(res.status);
            if (res.status == 413) {
                message = "request body larger than " +
                          std::to_string(options.limits.max_body_bytes) + " bytes";
            }
            reply(res, predict_server::error_reply(res.status, message));
            return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
            reply(res, predict_server::error_reply(500, "internal error"));
        });

    int port = options.port;
    if (port == 0) {
        port = server.bind_to_any_port(options.host);
    } else if (!server.bind_to_port(options.host, port)) {
        port = -1;
    }
    if (port < 0) {
        // errno still holds what bind or listen said (httplib only closes the socket after).
        std::fprintf(stderr,
                     "predict_server: cannot listen on %s:%d: %s\n",
                     options.host.c_str(),
                     options.port,
                     std::strerror(errno));
        return 1;
    }
    running_server = &server;
    std::signal(SIGINT, stop_on_signal);
    std::signal(SIGTERM, stop_on_signal);
    std::printf("listening on http://%s:%d\n", options.host.c_str(), port);
    std::fflush(stdout);
    server.listen_after_bind();
    return 0;
}
