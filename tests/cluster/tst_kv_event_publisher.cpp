// A pod's KV-event publisher opens its endpoint as vLLM's ZmqEventPublisher does: it binds a
// wildcard endpoint (`tcp://*:5557`, what the local stack gives each pod) and connects to any
// other — llm-d's precise guide points every vLLM pod at the EPP's Service, and the EPP binds.
#include "cluster/pod/kv_event_wire.h"

#include <QtTest/QtTest>

#include <zmq.hpp>

#include <chrono>
#include <thread>

using namespace kvroute;

class TestKvEventPublisher final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void connectsToASubscriberThatBinds()
    {
        zmq::context_t context{1};
        zmq::socket_t subscriber{context, zmq::socket_type::sub};
        subscriber.set(zmq::sockopt::subscribe, "kv@");
        subscriber.set(zmq::sockopt::rcvtimeo, 50);
        subscriber.bind("tcp://127.0.0.1:*"); // as the EPP binds *:5557
        const std::string endpoint = subscriber.get(zmq::sockopt::last_endpoint);

        auto publisher = cluster::KvEventPublisher::open(endpoint, "kv@10.0.0.7@model");
        QVERIFY2(publisher.has_value(), publisher ? "" : publisher.error().toString().c_str());
        sim::KvEvent stored;
        stored.type = sim::KvEvent::Type::BlockStored;
        stored.blockHashes = {11, 12};
        stored.blockSize = 16;
        // PUB drops what it sends before the connection is up: publish until one arrives.
        std::vector<zmq::message_t> frames;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (frames.empty() && std::chrono::steady_clock::now() < deadline) {
            (*publisher)->publish(1.5, std::span<const sim::KvEvent>(&stored, 1));
            zmq::message_t frame;
            while (subscriber.recv(frame, zmq::recv_flags::none)) {
                const bool more = frame.more();
                frames.push_back(std::move(frame));
                if (!more)
                    break;
            }
        }
        QCOMPARE(frames.size(), std::size_t{3}); // topic, sequence, payload
        QCOMPARE(frames[0].to_string(), std::string("kv@10.0.0.7@model"));
        auto events = cluster::decodeKvEventBatch(frames[2].to_string_view());
        QVERIFY(events.has_value());
        QCOMPARE(events->size(), std::size_t{1});
        QCOMPARE((*events)[0].blockHashes, (std::vector<sim::BlockHashValue>{11, 12}));
    }

    void aWildcardEndpointIsBound()
    {
        // Binding the same wildcard port twice fails: proof the publisher bound it.
        zmq::context_t context{1};
        zmq::socket_t probe{context, zmq::socket_type::pub};
        probe.bind("tcp://127.0.0.1:*");
        const std::string taken = probe.get(zmq::sockopt::last_endpoint);
        const std::string port = taken.substr(taken.rfind(':') + 1);
        auto publisher = cluster::KvEventPublisher::open("tcp://*:" + port, "kv");
        QVERIFY(!publisher.has_value());
        QVERIFY2(publisher.error().toString().find("cannot bind") != std::string::npos, publisher.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestKvEventPublisher)
#include "tst_kv_event_publisher.moc"
