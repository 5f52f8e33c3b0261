#include "sim/workload/client_ip.h"

namespace kvroute::sim {

namespace {
constexpr Ipv4 kFirstGroupIp = 0x0A000101;   // 10.0.1.1
constexpr Ipv4 kLastGroupIp = 0x0A00FFFF;    // 10.0.255.255
constexpr Ipv4 kFirstSessionIp = 0x0A010001; // 10.1.0.1
constexpr Ipv4 kLastSessionIp = 0x0AFFFFFF;  // 10.255.255.255
} // namespace

Ipv4 clientIpFor(ClientIpMode mode, std::uint64_t session, std::uint64_t group) noexcept
{
    switch (mode) {
    case ClientIpMode::Single:
        return kSingleClientIp;
    case ClientIpMode::PerGroup:
        return kFirstGroupIp + static_cast<Ipv4>(group % (kLastGroupIp - kFirstGroupIp + 1));
    case ClientIpMode::PerSession:
        return kFirstSessionIp + static_cast<Ipv4>(session % (kLastSessionIp - kFirstSessionIp + 1));
    }
    return kSingleClientIp;
}

std::string formatIpv4(Ipv4 address)
{
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += std::to_string((address >> shift) & 0xFFU);
        if (shift > 0)
            out += '.';
    }
    return out;
}

std::string_view toString(ClientIpMode mode)
{
    switch (mode) {
    case ClientIpMode::PerSession:
        return "per-session";
    case ClientIpMode::PerGroup:
        return "per-group";
    case ClientIpMode::Single:
        return "single";
    }
    return "unknown";
}

} // namespace kvroute::sim
