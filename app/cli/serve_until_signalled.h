#pragma once
// The end of every serving command (pod, gateway): announce the address, run the event loop,
// and on SIGTERM (kubelet, `kvroute stack down`) or Ctrl-C stop cleanly.

#include <cstdint>
#include <functional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kvroute::cli {

/// Prints "listening HOST:PORT" on stdout (a supervisor that asked for port 0 reads it there),
/// then runs `io` until SIGINT or SIGTERM, when `stop` is called and the loop left.
void serveUntilSignalled(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                         const std::function<void()>& stop);

} // namespace kvroute::cli
