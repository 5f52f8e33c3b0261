#include "sim/hashing/cbor.h"

namespace kvroute::sim::cbor {

namespace {

constexpr std::uint8_t kMajorUnsigned = 0;
constexpr std::uint8_t kMajorText = 3;
constexpr std::uint8_t kMajorArray = 4;
constexpr std::uint8_t kNull = 0xf6;

// Additional-information values 24..27 announce a 1, 2, 4 or 8 byte big-endian argument.
constexpr std::uint8_t kFollows1 = 24;
constexpr std::uint8_t kFollows2 = 25;
constexpr std::uint8_t kFollows4 = 26;
constexpr std::uint8_t kFollows8 = 27;

void appendBigEndian(Bytes& out, std::uint64_t value, int byteCount)
{
    for (int shift = (byteCount - 1) * 8; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

// Shortest-form head: the argument goes in the initial byte when < 24, else in the smallest of
// 1/2/4/8 bytes that holds it (RFC 8949 §4.2.1, first rule).
void appendHead(Bytes& out, std::uint8_t major, std::uint64_t argument)
{
    const auto initial = static_cast<std::uint8_t>(major << 5);
    if (argument < kFollows1) {
        out.push_back(static_cast<std::uint8_t>(initial | argument));
        return;
    }
    std::uint8_t additional = kFollows8;
    int byteCount = 8;
    if (argument <= 0xffU) {
        additional = kFollows1;
        byteCount = 1;
    } else if (argument <= 0xffffU) {
        additional = kFollows2;
        byteCount = 2;
    } else if (argument <= 0xffffffffU) {
        additional = kFollows4;
        byteCount = 4;
    }
    out.push_back(static_cast<std::uint8_t>(initial | additional));
    appendBigEndian(out, argument, byteCount);
}

} // namespace

void appendUnsigned(Bytes& out, std::uint64_t value)
{
    appendHead(out, kMajorUnsigned, value);
}

void appendArrayHead(Bytes& out, std::uint64_t size)
{
    appendHead(out, kMajorArray, size);
}

void appendText(Bytes& out, std::string_view text)
{
    appendHead(out, kMajorText, text.size());
    out.insert(out.end(), text.begin(), text.end());
}

void appendNull(Bytes& out)
{
    out.push_back(kNull);
}

} // namespace kvroute::sim::cbor
