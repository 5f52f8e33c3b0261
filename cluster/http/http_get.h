#pragma once
// A plain blocking GET for live mode's small local checks (health routes, a pod's /metrics).
// Not for anything that needs TLS or tokens: that is cluster/prometheus's client.

#include <string>
#include <utility>

namespace kvroute::cluster {

/// GET `url`; the HTTP status (0 when unreachable) and the body.
[[nodiscard]] std::pair<long, std::string> httpGet(const std::string& url, long timeoutMs = 2000);

} // namespace kvroute::cluster
