#include "cluster/http/http_get.h"

#include <curl/curl.h>

namespace kvroute::cluster {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user)
{
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

} // namespace

std::pair<long, std::string> httpGet(const std::string& url, long timeoutMs)
{
    static const bool curlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    std::string body;
    long status = 0;
    CURL* curl = curlReady ? curl_easy_init() : nullptr;
    if (!curl)
        return {0, {}};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    return {status, body};
}

} // namespace kvroute::cluster
