#include "cluster/deploy/kube_status.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace kvroute::cluster {

namespace {

using Json = nlohmann::json;

std::string str(const Json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int integer(const Json& j, const char* key, int fallback = 0)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

const Json& child(const Json& j, const char* key)
{
    static const Json empty = Json::object();
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

const Json& array(const Json& j, const char* key)
{
    static const Json empty = Json::array();
    const auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp ("2024-05-01T10:00:00Z"); -1 if not one.
std::int64_t epochSeconds(const std::string& text)
{
    std::tm tm{};
    int year = 0;
    int month = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec) != 6)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    return static_cast<std::int64_t>(::timegm(&tm));
}

Json parse(const std::string& text, const char* what, std::string& error)
{
    try {
        return Json::parse(text);
    } catch (const Json::exception& e) {
        error = std::string("cannot read kubectl's ") + what + " (not JSON: " + e.what() + ")";
        return {};
    }
}

std::vector<const Json*> itemsOf(const Json& j)
{
    std::vector<const Json*> out;
    if (j.is_object() && j.contains("items") && j["items"].is_array()) {
        for (const auto& item : j["items"])
            if (item.is_object())
                out.push_back(&item);
    } else if (j.is_object() && j.contains("kind")) {
        out.push_back(&j);
    }
    return out;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string pad(const std::string& s, std::size_t width)
{
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string table(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths.resize(std::max(widths.size(), row.size()));
            widths[i] = std::max(widths[i], row[i].size());
        }
    std::ostringstream out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += i + 1 == row.size() ? row[i] : pad(row[i], widths[i] + 3);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
    }
    return out.str();
}

} // namespace

bool DeployStatus::allReady() const
{
    return std::all_of(workloads.begin(), workloads.end(), [](const auto& w) { return w.isReady(); }) &&
           std::all_of(pods.begin(), pods.end(), [](const auto& p) { return p.ready(); });
}

Result<std::vector<PodStatusRow>> parsePodList(const std::string& text, std::int64_t now)
{
    std::string error;
    const Json j = text.find_first_not_of(" \t\r\n") == std::string::npos ? Json::object() : parse(text, "pod list", error);
    if (!error.empty())
        return fail(error);
    std::vector<PodStatusRow> pods;
    for (const Json* pod : itemsOf(j)) {
        const auto& meta = child(*pod, "metadata");
        const auto& spec = child(*pod, "spec");
        const auto& status = child(*pod, "status");
        PodStatusRow row;
        row.name = str(meta, "name");
        row.ns = str(meta, "namespace");
        row.phase = str(status, "phase");
        row.node = str(spec, "nodeName");
        for (const auto& [k, v] : child(meta, "labels").items())
            if (v.is_string())
                row.labels[k] = v.get<std::string>();
        row.containers = static_cast<int>(array(spec, "containers").size());
        for (const auto& c : array(status, "containerStatuses")) {
            if (c.value("ready", false))
                ++row.readyContainers;
            row.restarts += integer(c, "restartCount");
            const auto& state = child(c, "state");
            for (const char* which : {"waiting", "terminated"})
                if (row.reason.empty() && state.contains(which))
                    row.reason = str(child(state, which), "reason");
        }
        // A pod still being scheduled or pulling its init containers says why in its conditions.
        if (row.reason.empty())
            row.reason = str(status, "reason");
        if (row.reason.empty())
            for (const auto& c : array(status, "conditions"))
                if (str(c, "status") == "False" && str(c, "type") == "PodScheduled")
                    row.reason = str(c, "reason");
        if (meta.contains("deletionTimestamp"))
            row.reason = "Terminating";
        const auto created = epochSeconds(str(meta, "creationTimestamp"));
        row.ageSeconds = created < 0 ? -1 : std::max<std::int64_t>(0, now - created);
        pods.push_back(std::move(row));
    }
    std::sort(pods.begin(), pods.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return pods;
}

Result<void> applyWorkloadList(const std::string& text, std::vector<WorkloadStatusRow>& rows)
{
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return {};
    std::string error;
    const Json j = parse(text, "workload list", error);
    if (!error.empty())
        return fail(error);
    for (const Json* object : itemsOf(j)) {
        const std::string kind = str(*object, "kind");
        const auto& meta = child(*object, "metadata");
        const std::string name = str(meta, "name");
        for (auto& row : rows) {
            if (row.kind != kind || row.name != name)
                continue;
            const auto& status = child(*object, "status");
            row.found = true;
            row.desired = integer(child(*object, "spec"), "replicas", 1);
            row.ready = integer(status, "readyReplicas");
            row.updated = integer(status, "updatedReplicas");
            row.available = integer(status, "availableReplicas");
        }
    }
    return {};
}

void assignPodsToWorkloads(std::vector<PodStatusRow>& pods, const std::vector<RenderedWorkload>& workloads,
                           const std::string& defaultNs)
{
    for (auto& pod : pods) {
        for (const auto& w : workloads) {
            const std::string wNs = w.ns.empty() ? defaultNs : w.ns;
            if (w.selector.empty() || (!wNs.empty() && !pod.ns.empty() && wNs != pod.ns))
                continue;
            const bool matches = std::all_of(w.selector.begin(), w.selector.end(), [&](const auto& kv) {
                const auto it = pod.labels.find(kv.first);
                return it != pod.labels.end() && it->second == kv.second;
            });
            if (matches) {
                pod.workload = w.resource();
                break;
            }
        }
    }
}

std::string formatAge(std::int64_t s)
{
    if (s < 0)
        return "?";
    const auto m = s / 60;
    const auto h = s / 3600;
    const auto d = s / 86400;
    if (s < 120)
        return std::to_string(s) + "s";
    if (m < 10)
        return std::to_string(m) + "m" + (s % 60 ? std::to_string(s % 60) + "s" : "");
    if (h < 3)
        return std::to_string(m) + "m";
    if (h < 8)
        return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
    if (h < 48)
        return std::to_string(h) + "h";
    if (d < 8)
        return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
    return std::to_string(d) + "d";
}

std::string statusTable(const DeployStatus& status)
{
    std::ostringstream out;
    out << "scenario " << status.scenario;
    if (!status.ns.empty())
        out << " in namespace " << status.ns;
    out << "\n\n";
    std::vector<std::vector<std::string>> workloads{{"WORKLOAD", "READY", "UP-TO-DATE", "AVAILABLE"}};
    for (const auto& w : status.workloads) {
        const std::string name = lower(w.kind) + "/" + w.name;
        if (!w.found)
            workloads.push_back({name, "not found", "-", "-"});
        else
            workloads.push_back({name, std::to_string(w.ready) + "/" + std::to_string(w.desired), std::to_string(w.updated),
                                 std::to_string(w.available)});
    }
    out << table(workloads) << '\n';
    if (status.pods.empty()) {
        out << "no pods\n";
    } else {
        std::vector<std::vector<std::string>> pods{{"POD", "PHASE", "READY", "RESTARTS", "AGE", "NODE", "WORKLOAD"}};
        for (const auto& p : status.pods)
            pods.push_back({p.name, p.reason.empty() ? p.phase : p.phase + " (" + p.reason + ")",
                            std::to_string(p.readyContainers) + "/" + std::to_string(p.containers),
                            std::to_string(p.restarts), formatAge(p.ageSeconds), p.node.empty() ? "-" : p.node,
                            p.workload.empty() ? "-" : p.workload});
        out << table(pods);
    }
    const auto readyPods = std::count_if(status.pods.begin(), status.pods.end(), [](const auto& p) { return p.ready(); });
    out << '\n' << readyPods << " of " << status.pods.size() << " pods ready; "
        << (status.allReady() ? "all workloads ready" : "not all workloads ready") << '\n';
    return out.str();
}

std::string statusJson(const DeployStatus& status)
{
    nlohmann::ordered_json j{{"scenario", status.scenario}, {"namespace", status.ns}, {"all_ready", status.allReady()}};
    j["workloads"] = nlohmann::ordered_json::array();
    for (const auto& w : status.workloads)
        j["workloads"].push_back({{"kind", w.kind},
                                  {"name", w.name},
                                  {"namespace", w.ns},
                                  {"found", w.found},
                                  {"replicas", w.desired},
                                  {"ready_replicas", w.ready},
                                  {"updated_replicas", w.updated},
                                  {"available_replicas", w.available},
                                  {"ready", w.isReady()}});
    j["pods"] = nlohmann::ordered_json::array();
    for (const auto& p : status.pods)
        j["pods"].push_back({{"name", p.name},
                             {"namespace", p.ns},
                             {"workload", p.workload},
                             {"phase", p.phase},
                             {"reason", p.reason},
                             {"ready_containers", p.readyContainers},
                             {"containers", p.containers},
                             {"ready", p.ready()},
                             {"restarts", p.restarts},
                             {"age_seconds", p.ageSeconds},
                             {"age", formatAge(p.ageSeconds)},
                             {"node", p.node}});
    return j.dump(2) + "\n";
}

} // namespace kvroute::cluster
