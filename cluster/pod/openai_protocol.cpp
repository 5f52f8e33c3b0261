#include "cluster/pod/openai_protocol.h"

#include "cluster/pod/text_tokens.h"
#include "sim/util/json_error.h"
#include "sim/workload/tokenizer.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace kvroute::cluster {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::unexpected<ApiError> bad(std::string message, std::string param)
{
    return std::unexpected(ApiError{400, std::move(message), std::move(param)});
}

/// An integer field within [min, max]; JSON floats with an integral value count (Python does).
std::expected<std::optional<std::int64_t>, ApiError> integer(const json& body, const char* name, std::int64_t min,
                                                             std::int64_t max)
{
    const auto it = body.find(name);
    if (it == body.end() || it->is_null())
        return std::optional<std::int64_t>();
    // Python's ints have no size: a number beyond 64 bits is an integer out of range, not a
    // malformed one (the parser keeps it as a double, and one above 2^63 as unsigned).
    double value = 0;
    if (it->is_number_unsigned())
        value = static_cast<double>(it->get<std::uint64_t>());
    else if (it->is_number_integer())
        value = static_cast<double>(it->get<std::int64_t>());
    else if (it->is_number_float() && std::isfinite(it->get<double>()) && std::floor(it->get<double>()) == it->get<double>())
        value = it->get<double>();
    else
        return bad(std::string(name) + " must be an integer", name);
    if (value > static_cast<double>(max))
        return bad(std::string(name) + " must be at most " + std::to_string(max) + ", got " + it->dump(), name);
    if (value < static_cast<double>(min))
        return bad(std::string(name) + " must be at least " + std::to_string(min) + ", got " + it->dump(), name);
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value));
}

std::expected<bool, ApiError> boolean(const json& body, const char* name)
{
    const auto it = body.find(name);
    if (it == body.end() || it->is_null())
        return false;
    if (!it->is_boolean())
        return bad(std::string(name) + " must be true or false", name);
    return it->get<bool>();
}

std::expected<sim::TokenVector, ApiError> completionPrompt(const json& body)
{
    const auto it = body.find("prompt");
    if (it == body.end() || it->is_null())
        return bad("prompt is required", "prompt");
    json prompt = *it;
    // [x] with one element is x: vLLM takes batches, a pod serves one prompt per request.
    if (prompt.is_array() && prompt.size() == 1 && (prompt[0].is_string() || prompt[0].is_array()))
        prompt = prompt[0];
    if (prompt.is_string())
        return textToTokens(prompt.get<std::string>());
    if (prompt.is_array() && prompt.size() > 1 && (prompt[0].is_string() || prompt[0].is_array()))
        return bad("a batch of prompts is not supported; send one prompt per request", "prompt");
    if (prompt.is_array() && !prompt.empty()) {
        sim::TokenVector tokens;
        for (const auto& t : prompt) {
            if (!t.is_number_integer() || t.get<std::int64_t>() < 0 || t.get<std::int64_t>() > sim::kMaxTokenId)
                return bad("prompt token ids must be integers in [0, " + std::to_string(sim::kMaxTokenId) + "]", "prompt");
            tokens.push_back(static_cast<sim::TokenId>(t.get<std::int64_t>()));
        }
        return tokens;
    }
    return bad("prompt must be a string, a list of token ids, or a list with one of either", "prompt");
}

std::expected<sim::TokenVector, ApiError> chatPrompt(const json& body)
{
    const auto it = body.find("messages");
    if (it == body.end() || !it->is_array() || it->empty())
        return bad("messages must be a non-empty list of {role, content}", "messages");
    std::vector<std::pair<std::string, std::string>> messages;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& m = (*it)[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
            return bad(where + ".role must be a string", where + ".role");
        std::string content;
        const auto c = m.find("content");
        if (c != m.end() && c->is_string()) {
            content = c->get<std::string>();
        } else if (c != m.end() && c->is_array()) { // [{type: text, text: ...}, ...]
            for (const auto& part : *c) {
                if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") || !part["text"].is_string())
                    return bad(where + ".content parts must be {type: text, text: ...}", where + ".content");
                content += part["text"].get<std::string>();
            }
        } else if (c != m.end() && !c->is_null()) {
            return bad(where + ".content must be a string or a list of text parts", where + ".content");
        }
        messages.emplace_back(m["role"].get<std::string>(), std::move(content));
    }
    return textToTokens(renderChat(messages));
}

ordered_json usageJson(const Usage& u)
{
    ordered_json j{{"prompt_tokens", u.promptTokens},
                   {"total_tokens", u.promptTokens + u.completionTokens},
                   {"completion_tokens", u.completionTokens},
                   {"prompt_tokens_details", nullptr}};
    if (u.cachedTokens)
        j["prompt_tokens_details"] = ordered_json{{"cached_tokens", *u.cachedTokens}};
    return j;
}

ordered_json chunkHead(const ResponseContext& c)
{
    return ordered_json{{"id", c.id},
                        {"object", c.chat ? "chat.completion.chunk" : "text_completion"},
                        {"created", c.created},
                        {"model", c.model}};
}

const char* errorType(const ApiError& e)
{
    return e.status == 404 ? "NotFoundError" : e.status >= 500 ? "ServiceUnavailableError" : "BadRequestError";
}

std::string event(const ordered_json& j)
{
    return "data: " + j.dump() + "\n\n";
}

} // namespace

std::expected<GenerationRequest, ApiError> parseGenerationRequest(const std::string& text, bool chat)
{
    json body;
    try {
        body = json::parse(text);
    } catch (const json::parse_error& e) {
        return bad(std::string("the body is not valid JSON: ") + jsonErrorText(e.what()), "");
    }
    if (!body.is_object())
        return bad("the body must be a JSON object", "");
    GenerationRequest r;
    r.chat = chat;
    if (const auto m = body.find("model"); m != body.end() && !m->is_null()) {
        if (!m->is_string())
            return bad("model must be a string", "model");
        r.model = m->get<std::string>();
    }
    auto prompt = chat ? chatPrompt(body) : completionPrompt(body);
    if (!prompt)
        return std::unexpected(prompt.error());
    // An empty prompt and max_tokens 0 are refused later, by the server, in vLLM's order of
    // checks (the length check first, see pod_server.cpp).
    r.prompt = std::move(*prompt);
    // Any integer passes the request model; one below 1 is refused later with SamplingParams'
    // message, after the length check (pod_server.cpp), as in vLLM.
    constexpr std::int64_t kMaxTokensBound = std::int64_t{1} << 30;
    auto maxTokens = integer(body, "max_tokens", -kMaxTokensBound, kMaxTokensBound);
    if (!maxTokens)
        return std::unexpected(maxTokens.error());
    if (*maxTokens)
        r.maxTokens = static_cast<std::int32_t>(**maxTokens);
    if (chat) {
        // `request.max_completion_tokens or request.max_tokens` (serving_engine.py
        // _validate_input): a 0 falls back to max_tokens.
        auto completionTokens = integer(body, "max_completion_tokens", -kMaxTokensBound, kMaxTokensBound);
        if (!completionTokens)
            return std::unexpected(completionTokens.error());
        if (*completionTokens && **completionTokens != 0)
            r.maxTokens = static_cast<std::int32_t>(**completionTokens);
    }
    if (!chat && !r.maxTokens)
        r.maxTokens = 16; // vLLM's completions default (vllm.md §10)
    auto n = integer(body, "n", 1, 1);
    if (!n)
        return std::unexpected(ApiError{400, "n must be 1: a live pod samples one sequence per request", "n"});
    auto stream = boolean(body, "stream");
    if (!stream)
        return std::unexpected(stream.error());
    r.stream = *stream;
    auto ignoreEos = boolean(body, "ignore_eos");
    if (!ignoreEos)
        return std::unexpected(ignoreEos.error());
    r.ignoreEos = *ignoreEos;
    if (const auto so = body.find("stream_options"); so != body.end() && !so->is_null()) {
        if (!so->is_object())
            return bad("stream_options must be an object", "stream_options");
        if (!r.stream)
            return bad("stream_options can only be given when stream is true", "stream_options");
        auto include = so->contains("include_usage") ? boolean(*so, "include_usage") : std::expected<bool, ApiError>(true);
        if (!include)
            return std::unexpected(ApiError{400, "stream_options.include_usage must be true or false",
                                            "stream_options.include_usage"});
        r.includeUsage = *include;
    }
    if (const auto it = body.find("stop_token_ids"); it != body.end() && !it->is_null()) {
        if (!it->is_array())
            return bad("stop_token_ids must be a list of token ids", "stop_token_ids");
        for (const auto& t : *it) {
            if (!t.is_number_integer() || t.get<std::int64_t>() < 0 || t.get<std::int64_t>() > sim::kMaxTokenId)
                return bad("stop_token_ids must be integers in [0, " + std::to_string(sim::kMaxTokenId) + "]",
                           "stop_token_ids");
            r.stopTokenIds.push_back(static_cast<sim::TokenId>(t.get<std::int64_t>()));
        }
    }
    if (const auto it = body.find("prompt_logprobs"); it != body.end() && !it->is_null())
        r.promptLogprobs = true;
    // Settings a live pod cannot honour are refused rather than ignored: cache_salt changes the
    // first block's hash (vllm.md §1), stop strings and echo need a real detokenizer.
    if (const auto it = body.find("cache_salt"); it != body.end() && !it->is_null())
        return bad("cache_salt is not supported by a kvroute pod", "cache_salt");
    if (const auto it = body.find("stop"); it != body.end() && !it->is_null() && !(it->is_array() && it->empty()))
        return bad("stop strings are not supported by a kvroute pod; use stop_token_ids", "stop");
    if (const auto it = body.find("echo"); it != body.end() && it->is_boolean() && it->get<bool>())
        return bad("echo is not supported by a kvroute pod", "echo");
    for (const char* name : {"temperature", "top_p", "top_k", "min_p", "seed"}) {
        if (const auto it = body.find(name); it != body.end() && !it->is_null() && !it->is_number())
            return bad(std::string(name) + " must be a number", name);
    }
    return r;
}

std::string errorBody(const ApiError& e)
{
    const char* type = errorType(e);
    // param is always null: v0.10.0's create_error_response (serving_engine.py) and its request
    // validation handler (api_server.py) build ErrorResponse without one. The message names the
    // field instead.
    ordered_json j{{"object", "error"}, {"message", e.message}, {"type", type}, {"param", nullptr}, {"code", e.status}};
    return j.dump();
}

std::string streamErrorEvent(const ApiError& e)
{
    // json.dumps({"error": ErrorResponse(message=..., type=..., code=...).model_dump()}): the keys
    // in ErrorResponse's field order (protocol.py), default separators, non-ASCII escaped
    // (ensure_ascii), and param None since v0.10.0's create_error_response takes none.
    const std::string message = ordered_json(e.message).dump(-1, ' ', true);
    return "data: {\"error\": {\"object\": \"error\", \"message\": " + message + ", \"type\": \"" + errorType(e) +
           "\", \"param\": null, \"code\": " + std::to_string(e.status) + "}}\n\n";
}

std::string renderChat(const std::vector<std::pair<std::string, std::string>>& messages)
{
    std::string out;
    for (const auto& [role, content] : messages)
        out += "<|" + role + "|>" + content + "<|end|>";
    return out + "<|assistant|>";
}

std::string completionBody(const ResponseContext& c, const std::string& text, const std::string& finishReason,
                           const Usage& usage)
{
    ordered_json choice;
    if (c.chat) {
        choice = ordered_json{{"index", 0},
                              {"message",
                               {{"role", "assistant"},
                                {"content", text},
                                {"refusal", nullptr},
                                {"annotations", nullptr},
                                {"audio", nullptr},
                                {"function_call", nullptr},
                                {"tool_calls", ordered_json::array()},
                                {"reasoning_content", nullptr}}},
                              {"logprobs", nullptr},
                              {"finish_reason", finishReason},
                              {"stop_reason", nullptr}};
    } else {
        choice = ordered_json{{"index", 0},           {"text", text},          {"logprobs", nullptr},
                              {"finish_reason", finishReason}, {"stop_reason", nullptr}, {"prompt_logprobs", nullptr}};
    }
    ordered_json j{{"id", c.id},
                   {"object", c.chat ? "chat.completion" : "text_completion"},
                   {"created", c.created},
                   {"model", c.model},
                   {"choices", ordered_json::array({choice})},
                   {"service_tier", nullptr},
                   {"system_fingerprint", nullptr},
                   {"usage", usageJson(usage)}};
    if (c.chat)
        j["prompt_logprobs"] = nullptr;
    j["kv_transfer_params"] = nullptr;
    return j.dump();
}

std::string streamChunk(const ResponseContext& c, const std::string& text, const std::string& finishReason)
{
    ordered_json j = chunkHead(c);
    const ordered_json reason = finishReason.empty() ? ordered_json(nullptr) : ordered_json(finishReason);
    if (c.chat)
        j["choices"] = ordered_json::array({ordered_json{{"index", 0},
                                                         {"delta", {{"content", text}}},
                                                         {"logprobs", nullptr},
                                                         {"finish_reason", reason},
                                                         {"stop_reason", nullptr}}});
    else
        j["choices"] = ordered_json::array({ordered_json{
            {"index", 0}, {"text", text}, {"logprobs", nullptr}, {"finish_reason", reason}, {"stop_reason", nullptr}}});
    return event(j);
}

std::string streamRoleChunk(const ResponseContext& c)
{
    ordered_json j = chunkHead(c);
    j["choices"] = ordered_json::array({ordered_json{{"index", 0},
                                                     {"delta", {{"role", "assistant"}, {"content", ""}}},
                                                     {"logprobs", nullptr},
                                                     {"finish_reason", nullptr}}});
    return event(j);
}

std::string streamUsageChunk(const ResponseContext& c, const Usage& usage)
{
    ordered_json j = chunkHead(c);
    j["choices"] = ordered_json::array();
    j["usage"] = usageJson(usage);
    return event(j);
}

} // namespace kvroute::cluster
