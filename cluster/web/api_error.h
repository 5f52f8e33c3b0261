#pragma once
// The web API's error answers: the same flat shape the HTTP server already uses for 413/431/503
// (vLLM's, vllm.md §10), with `param` naming the request field at fault, so a script parses one
// format whatever went wrong:
//   {"object":"error","message":"...","type":"Bad Request","param":"set.vllm.block_size","code":400}

#include <string>

namespace kvroute::cluster::web {

struct ApiError {
    int status = 400;
    std::string message; ///< a complete sentence; never a token
    std::string param;   ///< the request field at fault ("set.vllm.block_size", "since"); "" = none
};

[[nodiscard]] std::string apiErrorJson(const ApiError& error);

} // namespace kvroute::cluster::web
