#pragma once
// Reads what a KV-event publisher sends, for the tests that subscribe to one.

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <iterator>
#include <vector>

namespace kvroute::test {

/// The frames of the next message on `socket` (a KV-event batch: topic, sequence, payload);
/// none when nothing arrives within the socket's receive timeout (zmq::sockopt::rcvtimeo).
/// ZeroMQ delivers a multipart message whole or not at all, so none is never a part of one.
inline std::vector<zmq::message_t> receiveMessage(zmq::socket_t& socket)
{
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(socket, std::back_inserter(frames)))
        frames.clear();
    return frames;
}

} // namespace kvroute::test
