#pragma once
// A small HTTP/1.1 server for the live pods and the gateway, on Boost.Asio/Beast, one thread.
// It survives bad clients: request bodies and headers are bounded (413 / 431), malformed
// requests get 400, idle or slow connections time out, and beyond a connection limit new
// clients get 503 at once. Responses are whole bodies or streamed (chunked; Server-Sent Events).
// Beast stays inside http_server.cpp: the rest of the code sees these plain types.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kvroute::cluster::http {

struct Request {
    std::string method;  ///< "GET", "POST", ...
    std::string target;  ///< as sent, e.g. "/v1/models?x=1"
    std::string path;    ///< target without the query
    std::map<std::string, std::string> headers; ///< names in lower case
    std::string body;
    std::string peerAddress; ///< the client's IP address as text
    std::uint16_t peerPort = 0;

    [[nodiscard]] std::string header(const std::string& lowerCaseName) const;
};

struct Response {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// One request in flight. The handler answers exactly once, now or later (from the server's
/// thread): respond(), or startStream() then write()... end(). If the client went away,
/// the calls do nothing and `closed()` turns true.
class Exchange {
public:
    virtual ~Exchange() = default;
    virtual void respond(Response response) = 0;
    virtual void startStream(int status, const std::string& contentType,
                             const std::vector<std::pair<std::string, std::string>>& headers) = 0;
    virtual void write(std::string data) = 0;
    virtual void end() = 0;
    /// A proxied answer passed through byte for byte (status line and headers included, as
    /// the upstream sent them); the connection closes after relayEnd().
    virtual void relay(std::string bytes) = 0;
    virtual void relayEnd() = 0;
    [[nodiscard]] virtual bool closed() const = 0;
    /// Called once if the client disconnects before the answer is complete.
    virtual void onClientGone(std::function<void()> callback) = 0;
};

using Handler = std::function<void(Request, std::shared_ptr<Exchange>)>;

struct ServerLimits {
    std::size_t maxBodyBytes = 8 * 1024 * 1024;
    std::size_t maxHeaderBytes = 64 * 1024;
    int maxConnections = 1024;
    int idleTimeoutSeconds = 60;
};

/// "Reason phrase" of a status code ("Not Found").
[[nodiscard]] std::string statusText(int status);

class Server {
public:
    Server(boost::asio::io_context& io, Handler handler, ServerLimits limits = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and starts accepting; port 0 picks a free one. An error text on failure.
    [[nodiscard]] std::string listen(const std::string& host, std::uint16_t port);
    [[nodiscard]] std::uint16_t port() const;
    /// Stops accepting and closes every connection (streams in progress are cut).
    void stop();
    [[nodiscard]] int openConnections() const;

    struct Impl;

private:
    std::shared_ptr<Impl> d;
};

} // namespace kvroute::cluster::http
