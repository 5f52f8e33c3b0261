#include "sim/hashing/hash_domain.h"

#include <string>
#include <xxhash.h>

namespace kvroute::sim {

std::uint64_t surrogateNoneHash(std::string_view algorithm, std::optional<std::string_view> seed,
                                std::uint64_t randomDraw)
{
    if (!seed)
        return randomDraw;
    std::string domain(algorithm);
    domain.push_back('\0');
    domain.append(*seed);
    return XXH3_64bits(domain.data(), domain.size());
}

} // namespace kvroute::sim
