#include "cluster/web/api_error.h"

#include "cluster/http/http_server.h"

#include <nlohmann/json.hpp>

namespace kvroute::cluster::web {

std::string apiErrorJson(const ApiError& e)
{
    nlohmann::ordered_json j{{"object", "error"},
                             {"message", e.message},
                             {"type", http::statusText(e.status)},
                             {"param", e.param.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.param)},
                             {"code", e.status}};
    return j.dump();
}

} // namespace kvroute::cluster::web
