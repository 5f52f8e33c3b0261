#include "cluster/http/http_server.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <optional>

namespace kvroute::cluster::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

/// Slow readers get this long for each write before the connection is dropped.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
/// How long a refused upload is read and dropped before the connection closes.
constexpr auto kDrainTime = std::chrono::seconds(2);

std::string lower(std::string s)
{
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string headerBlock(int status, const std::string& contentType,
                        const std::vector<std::pair<std::string, std::string>>& headers, bool keepAlive,
                        std::optional<std::size_t> contentLength)
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + statusText(status) + "\r\n";
    out += "Server: kvroute\r\n";
    if (!contentType.empty())
        out += "Content-Type: " + contentType + "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (contentLength)
        out += "Content-Length: " + std::to_string(*contentLength) + "\r\n";
    else
        out += "Transfer-Encoding: chunked\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    return out;
}

std::string chunk(const std::string& data)
{
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
}

std::string errorJson(const std::string& message, int status)
{
    // vLLM's error shape (vllm.md §10); a client of a pod or the gateway parses one format.
    std::string escaped;
    for (const char c : message) {
        if (c == '"' || c == '\\')
            escaped.push_back('\\');
        escaped.push_back(c);
    }
    return R"({"object":"error","message":")" + escaped + R"(","type":")" + statusText(status) +
           R"(","param":null,"code":)" + std::to_string(status) + "}";
}

} // namespace

std::string Request::header(const std::string& lowerCaseName) const
{
    const auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
}

std::string statusText(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status " + std::to_string(status);
    }
}

class Session;

struct Server::Impl {
    Impl(asio::io_context& context, Handler h, ServerLimits l)
        : io(context), acceptor(context), handler(std::move(h)), limits(l)
    {
    }
    asio::io_context& io;
    tcp::acceptor acceptor;
    Handler handler;
    ServerLimits limits;
    std::vector<std::weak_ptr<Session>> sessions;
    /// Itself while listening, so sessions can hold it; stop() lets go.
    std::shared_ptr<Impl> shared;
    int open = 0;
    bool stopped = false;

    void accept();
};

class ExchangeImpl;

/// One client connection: reads a request, hands it to the handler, writes the answer, and
/// (keep-alive) reads the next one. Requests on one connection are served in turn.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<Server::Impl> server)
        : m_stream(std::move(socket)), m_server(std::move(server))
    {
        ++m_server->open;
    }
    ~Session() { --m_server->open; }

    void start() { readRequest(); }

    /// Queues bytes; `finishes` marks the last write of the current exchange.
    void send(std::string bytes, bool finishes, bool keepAlive)
    {
        if (m_closed)
            return;
        m_outbox.emplace_back(std::move(bytes), finishes);
        if (finishes) {
            m_keepAlive = keepAlive;
            m_answerQueued = true;
        }
        if (!m_writing)
            writeNext();
    }

    [[nodiscard]] bool closed() const { return m_closed; }

    void close()
    {
        if (m_closed)
            return;
        m_closed = true;
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        m_stream.close();
        notifyGone();
    }

    void setGoneCallback(std::function<void()> callback)
    {
        if (m_closed || m_peerDone) // gone before the handler asked
            callback();
        else
            m_gone = std::move(callback);
    }

private:
    void notifyGone()
    {
        if (auto gone = std::exchange(m_gone, nullptr))
            gone();
    }

    void readRequest()
    {
        m_parser.emplace();
        m_parser->body_limit(m_server->limits.maxBodyBytes);
        m_parser->header_limit(static_cast<std::uint32_t>(m_server->limits.maxHeaderBytes));
        m_stream.expires_after(std::chrono::seconds(m_server->limits.idleTimeoutSeconds));
        bhttp::async_read(m_stream, m_buffer, *m_parser,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
    }

    void onRead(beast::error_code ec)
    {
        if (m_closed)
            return;
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
            close();
            return;
        }
        if (ec) {
            int status = 400;
            if (ec == bhttp::error::body_limit)
                status = 413;
            else if (ec == bhttp::error::header_limit)
                status = 431;
            const std::string body = errorJson(status == 413 ? "request body larger than " +
                                                                   std::to_string(m_server->limits.maxBodyBytes) + " bytes"
                                               : status == 431 ? std::string("request headers too large")
                                                               : "malformed HTTP request: " + ec.message(),
                                               status);
            // The client may still be sending the rest of its body: read and drop it after the
            // answer (a lingering close), or it sees a reset instead of the status.
            m_drainBeforeClose = true;
            send(headerBlock(status, "application/json", {}, false, body.size()) + body, true, false);
            return;
        }
        // Only chunked framing is understood: with another coding (gzip, say) the body would be
        // left unread and taken for the next request. RFC 9112 §6.1: 501, then close.
        if (std::string coding = lower(std::string(m_parser->get()[bhttp::field::transfer_encoding])); !coding.empty()) {
            coding.erase(0, coding.find_first_not_of(" \t"));
            coding.erase(coding.find_last_not_of(" \t") + 1);
            if (coding != "chunked") {
                // Echoed in the JSON answer: printable ASCII only.
                std::ranges::replace_if(coding, [](unsigned char c) { return c < 0x20 || c > 0x7e || c == '"' || c == '\\'; }, '?');
                const std::string body = errorJson("Transfer-Encoding \"" + coding.substr(0, 100) +
                                                       "\" is not supported (only chunked)",
                                                   501);
                m_drainBeforeClose = true;
                send(headerBlock(501, "application/json", {}, false, body.size()) + body, true, false);
                return;
            }
        }
        auto message = m_parser->release();
        Request request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        request.path = request.target.substr(0, request.target.find('?'));
        for (const auto& field : message)
            request.headers[lower(std::string(field.name_string()))] = std::string(field.value());
        request.body = std::move(message.body());
        beast::error_code endpointError;
        const auto peer = m_stream.socket().remote_endpoint(endpointError);
        if (!endpointError) {
            request.peerAddress = peer.address().to_string();
            request.peerPort = peer.port();
        }
        m_stream.expires_never(); // the handler may take as long as the pod needs
        m_answerQueued = false;
        startExchange(std::move(request), message.keep_alive());
        // Not with a pipelined request already buffered: its bytes, then an EOF, must reach it.
        if (!m_answerQueued && m_buffer.size() == 0)
            watchClient();
    }

    /// While an answer is pending, a read that notices the client leaving (EOF or a reset), so
    /// that a long run or a stream is cancelled at once rather than at its next write. A client
    /// that only half-closes cannot be told apart: as in Go's net/http, its work is cancelled.
    void watchClient()
    {
        if (m_closed || m_watching || m_peerDone || m_server->stopped)
            return;
        m_watching = true;
        // On the socket itself: the stream's timeout would apply to this read too, and end a
        // long stream at the write timeout.
        m_stream.socket().async_read_some(asio::buffer(m_watchBuffer),
                                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                              self->onWatch(ec, n);
                                          });
    }

    void onWatch(beast::error_code ec, std::size_t n)
    {
        m_watching = false;
        if (n > 0) // the start of a next (pipelined) request: kept for the parser
            m_buffer.commit(asio::buffer_copy(m_buffer.prepare(n), asio::buffer(m_watchBuffer.data(), n)));
        if (m_closed)
            return;
        if (std::exchange(m_readAfterWatch, false)) { // the answer went out and the watch was cancelled
            if (ec && ec != asio::error::operation_aborted)
                close();
            else
                readRequest();
            return;
        }
        if (ec == asio::error::eof) {
            m_peerDone = true; // no request can follow; the answer may still be read
            notifyGone();
        } else if (ec) {
            close();
        }
        // Bytes while the answer is pending: watching stops, which bounds what is buffered.
    }

    void startExchange(Request request, bool keepAlive);

    void writeNext()
    {
        if (m_outbox.empty() || m_closed) {
            m_writing = false;
            return;
        }
        m_writing = true;
        m_stream.expires_after(kWriteTimeout);
        asio::async_write(m_stream, asio::buffer(m_outbox.front().first),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onWrite(ec); });
    }

    void onWrite(beast::error_code ec)
    {
        if (ec) {
            close();
            return;
        }
        const bool finished = m_outbox.front().second;
        m_outbox.pop_front();
        if (finished) {
            m_gone = nullptr;
            if (m_drainBeforeClose && !m_server->stopped) {
                drainThenClose();
                return;
            }
            if (!m_keepAlive || m_server->stopped || m_peerDone) {
                close();
                return;
            }
            m_outbox.clear();
            m_writing = false;
            if (m_watching) { // the next request starts when the watching read is cancelled
                m_readAfterWatch = true;
                beast::error_code ignored;
                m_stream.socket().cancel(ignored);
                return;
            }
            readRequest();
            return;
        }
        m_stream.expires_never();
        writeNext();
    }

    void drainThenClose()
    {
        if (!m_draining) { // one deadline for the whole drain, however slowly the client sends
            m_draining = true;
            beast::error_code ignored;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            m_stream.expires_after(kDrainTime);
        }
        m_stream.async_read_some(asio::buffer(m_drain), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec)
                self->close();
            else
                self->drainThenClose();
        });
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::array<char, 16384> m_drain{};
    std::array<char, 4096> m_watchBuffer{};
    bool m_watching = false;
    bool m_readAfterWatch = false;
    bool m_answerQueued = false;
    bool m_peerDone = false; ///< the client sent EOF
    bool m_drainBeforeClose = false;
    bool m_draining = false;
    std::optional<bhttp::request_parser<bhttp::string_body>> m_parser;
    std::shared_ptr<Server::Impl> m_server;
    std::deque<std::pair<std::string, bool>> m_outbox;
    std::function<void()> m_gone;
    bool m_writing = false;
    bool m_keepAlive = true;
    bool m_closed = false;
};

class ExchangeImpl final : public Exchange {
public:
    // Holds its connection until answered: while the handler waits for the pod, nothing but
    // the watching read (not always there) would keep the session alive.
    ExchangeImpl(std::shared_ptr<Session> session, bool keepAlive)
        : m_session(session), m_hold(std::move(session)), m_keepAlive(keepAlive)
    {
    }
    /// A handler that lets go of its exchange unanswered ends the connection: the client would
    /// wait for ever, and the watching read would hold the session.
    ~ExchangeImpl() override
    {
        if (m_state != State::Done)
            if (auto s = m_session.lock())
                s->close();
    }

    void respond(Response response) override
    {
        if (m_state != State::Fresh)
            return;
        m_state = State::Done;
        if (auto s = m_session.lock())
            s->send(headerBlock(response.status, response.contentType, response.headers, m_keepAlive,
                                response.body.size()) +
                        response.body,
                    true, m_keepAlive);
        m_hold.reset();
    }
    void startStream(int status, const std::string& contentType,
                     const std::vector<std::pair<std::string, std::string>>& headers) override
    {
        if (m_state != State::Fresh)
            return;
        m_state = State::Streaming;
        if (auto s = m_session.lock())
            s->send(headerBlock(status, contentType, headers, m_keepAlive, std::nullopt), false, m_keepAlive);
    }
    void write(std::string data) override
    {
        if (m_state != State::Streaming || data.empty())
            return;
        if (auto s = m_session.lock())
            s->send(chunk(data), false, m_keepAlive);
    }
    void end() override
    {
        if (m_state != State::Streaming)
            return;
        m_state = State::Done;
        if (auto s = m_session.lock())
            s->send("0\r\n\r\n", true, m_keepAlive);
        m_hold.reset();
    }
    void relay(std::string bytes) override
    {
        if (m_state == State::Fresh)
            m_state = State::Relaying;
        if (m_state != State::Relaying || bytes.empty())
            return;
        if (auto s = m_session.lock())
            s->send(std::move(bytes), false, false);
    }
    void relayEnd() override
    {
        if (m_state != State::Relaying && m_state != State::Fresh)
            return;
        m_state = State::Done;
        if (auto s = m_session.lock())
            s->send(std::string(), true, false); // then close: the upstream's framing ended with it
        m_hold.reset();
    }
    [[nodiscard]] bool closed() const override
    {
        const auto s = m_session.lock();
        return !s || s->closed();
    }
    void onClientGone(std::function<void()> callback) override
    {
        if (auto s = m_session.lock())
            s->setGoneCallback(std::move(callback));
    }

private:
    enum class State { Fresh, Streaming, Relaying, Done };
    std::weak_ptr<Session> m_session;
    std::shared_ptr<Session> m_hold;
    bool m_keepAlive;
    State m_state = State::Fresh;
};

void Session::startExchange(Request request, bool keepAlive)
{
    auto exchange = std::make_shared<ExchangeImpl>(shared_from_this(), keepAlive && !m_server->stopped);
    m_server->handler(std::move(request), exchange);
}

void Server::Impl::accept()
{
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (stopped || !acceptor.is_open())
            return;
        if (!ec) {
            if (open >= limits.maxConnections) {
                // Refused at once rather than queued: the client can retry or go elsewhere.
                const std::string body = errorJson("too many connections", 503);
                auto text = std::make_shared<std::string>(
                    headerBlock(503, "application/json", {{"Retry-After", "1"}}, false, body.size()) + body);
                auto sock = std::make_shared<tcp::socket>(std::move(socket));
                asio::async_write(*sock, asio::buffer(*text), [sock, text](beast::error_code, std::size_t) {
                    beast::error_code ignored;
                    sock->shutdown(tcp::socket::shutdown_both, ignored);
                });
            } else {
                // Answers go out in small writes (headers, then a token at a time): without
                // TCP_NODELAY, Nagle and the client's delayed ACK add ~40 ms to each.
                beast::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                auto session = std::make_shared<Session>(std::move(socket), shared);
                std::erase_if(sessions, [](const auto& w) { return w.expired(); });
                sessions.push_back(session);
                session->start();
            }
        }
        accept();
    });
}

Server::Server(asio::io_context& io, Handler handler, ServerLimits limits)
    : d(std::make_shared<Impl>(io, std::move(handler), limits))
{
}

Server::~Server()
{
    stop();
}

std::string Server::listen(const std::string& host, std::uint16_t port)
{
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec)
        return "not an IP address: " + host + " (give one, e.g. 127.0.0.1, ::1 or 0.0.0.0)";
    const tcp::endpoint endpoint(address, port);
    d->acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        d->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        d->acceptor.bind(endpoint, ec);
    if (!ec)
        d->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    d->shared = d;
    d->accept();
    return {};
}

std::uint16_t Server::port() const
{
    beast::error_code ec;
    const auto endpoint = d->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

void Server::stop()
{
    if (d->stopped)
        return;
    d->stopped = true;
    beast::error_code ec;
    d->acceptor.close(ec);
    for (auto& weak : d->sessions) {
        if (auto s = weak.lock())
            s->close();
    }
    d->sessions.clear();
    d->shared.reset();
}

int Server::openConnections() const
{
    return d->open;
}

} // namespace kvroute::cluster::http
