#pragma once
// Client addresses as a Service with ClientIP affinity would see them (llmd.md §5).

#include "sim/workload/workload_config.h"
#include "sim/workload/workload_request.h"

#include <cstdint>
#include <string>

namespace kvroute::sim {

/// The one load generator of ClientIpMode::Single: 10.0.0.1.
inline constexpr Ipv4 kSingleClientIp = 0x0A000001;

/// The address of a request from `session` of `group`:
///  - Single: 10.0.0.1 for everything;
///  - PerGroup: 10.0.1.1 + group (wrapping after 65,279 groups, up to 10.0.255.255);
///  - PerSession: 10.1.0.1 + session (wrapping after 16,711,679 sessions, up to 10.255.255.255).
[[nodiscard]] Ipv4 clientIpFor(ClientIpMode mode, std::uint64_t session, std::uint64_t group) noexcept;

/// Dotted quad, e.g. "10.1.0.7".
[[nodiscard]] std::string formatIpv4(Ipv4 address);

[[nodiscard]] std::string_view toString(ClientIpMode mode);

} // namespace kvroute::sim
