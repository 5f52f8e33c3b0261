#include "app/cli/serve_until_signalled.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>

namespace kvroute::cli {

void serveUntilSignalled(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                         const std::function<void()>& stop)
{
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        stop();
        io.stop();
    });
    std::cout << "listening " << host << ':' << port << std::endl;
    io.run();
}

} // namespace kvroute::cli
